import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';

import { recordFields, ServiceRecord } from '@sluice/contracts';
import { inTransaction, PG_POOL } from '@sluice/database';
import type { PublishJob } from '@sluice/queue';

import { newestRecords } from '../persistence/newest-records';
import { topologyUpsert } from './topology-upsert';

export const UPSERT_SERVICES = topologyUpsert<ServiceRecord>({
  table: 'topology_services',
  idColumn: 'serviceid',
  id: (r) => r.serviceid,
  name: (r) => r.service,
  type: (r) => r.servicetype ?? null,
  known: recordFields(ServiceRecord),
});

/** Spec §2.4: as EntityWriter, for services, their member entities and the services they depend on. */
@Injectable()
export class ServiceWriter {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async write(job: PublishJob<ServiceRecord>): Promise<{ applied: number; ignored: number }> {
    const rows = newestRecords(job.records, (r) => r.serviceid);

    return inTransaction(this.pool, async (db) => {
      type Won = { envcustomerid: string; serviceid: string; deleted: boolean };
      const won = await db.query<Won>(UPSERT_SERVICES.text, UPSERT_SERVICES.values(rows));
      if (won.rows.length > 0) {
        const keys = [won.rows.map((w) => w.envcustomerid), won.rows.map((w) => w.serviceid)];
        for (const table of ['service_members', 'service_dependencies']) {
          await db.query(
            `DELETE FROM ${table} t USING unnest($1::text[], $2::text[]) AS k(c, s) WHERE t.envcustomerid = k.c AND t.serviceid = k.s`,
            keys,
          );
        }
        const live = new Set(won.rows.filter((w) => !w.deleted).map((w) => `${w.envcustomerid}\u0000${w.serviceid}`));
        const winners = rows.filter((x) => live.has(`${x.record.envcustomerid}\u0000${x.record.serviceid}`));
        const pairs = (list: (r: ServiceRecord) => string[] | undefined) =>
          winners.flatMap((x) =>
            [...new Set(list(x.record) ?? [])].map((v) => [x.record.envcustomerid, x.record.serviceid, v] as const),
          );
        const members = pairs((r) => r.entities);
        const deps = pairs((r) => r.dependson);
        if (members.length > 0) {
          await db.query(
            `INSERT INTO service_members (envcustomerid, serviceid, entityid) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
            [members.map((m) => m[0]), members.map((m) => m[1]), members.map((m) => m[2])],
          );
        }
        if (deps.length > 0) {
          await db.query(
            `INSERT INTO service_dependencies (envcustomerid, serviceid, depends_on) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
            [deps.map((d) => d[0]), deps.map((d) => d[1]), deps.map((d) => d[2])],
          );
        }
      }
      return { applied: won.rows.length, ignored: job.records.length - won.rows.length };
    });
  }
}
