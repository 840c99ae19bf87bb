import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';

import { EntityRecord, recordFields } from '@sluice/contracts';
import { inTransaction, PG_POOL } from '@sluice/database';
import type { PublishJob } from '@sluice/queue';

import { newestRecords } from '../persistence/newest-records';
import { topologyUpsert } from './topology-upsert';

export const UPSERT_ENTITIES = topologyUpsert<EntityRecord>({
  table: 'topology_entities',
  idColumn: 'entityid',
  id: (r) => r.entityid,
  name: (r) => r.entity,
  type: (r) => r.entitytype,
  known: recordFields(EntityRecord),
});

/**
 * Spec §2.3 in three statements per job: upsert the newest record of each entity where it is not
 * older than what is stored (a delete leaves a tombstone, so a late older record cannot revive
 * the entity), then replace the outgoing relations of exactly the entities that won.
 */
@Injectable()
export class EntityWriter {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async write(job: PublishJob<EntityRecord>): Promise<{ applied: number; ignored: number }> {
    const rows = newestRecords(job.records, (r) => r.entityid);

    return inTransaction(this.pool, async (db) => {
      type Won = { envcustomerid: string; entityid: string; deleted: boolean };
      const won = await db.query<Won>(UPSERT_ENTITIES.text, UPSERT_ENTITIES.values(rows));
      if (won.rows.length > 0) {
        await db.query(
          `DELETE FROM entity_relations r USING unnest($1::text[], $2::text[]) AS k(c, e)
            WHERE r.envcustomerid = k.c AND r.source_entityid = k.e`,
          [won.rows.map((w) => w.envcustomerid), won.rows.map((w) => w.entityid)],
        );
        const live = new Set(won.rows.filter((w) => !w.deleted).map((w) => `${w.envcustomerid}\u0000${w.entityid}`));
        const relations = rows
          .filter((x) => live.has(`${x.record.envcustomerid}\u0000${x.record.entityid}`))
          .flatMap((x) =>
            (x.record.relations ?? []).map((r) => ({
              c: x.record.envcustomerid,
              s: x.record.entityid,
              t: r.targetentityid,
              type: r.relationtype,
            })),
          );
        if (relations.length > 0) {
          await db.query(
            `INSERT INTO entity_relations (envcustomerid, source_entityid, target_entityid, relationtype)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
            [
              relations.map((r) => r.c),
              relations.map((r) => r.s),
              relations.map((r) => r.t),
              relations.map((r) => r.type),
            ],
          );
        }
      }
      return { applied: won.rows.length, ignored: job.records.length - won.rows.length };
    });
  }
}
