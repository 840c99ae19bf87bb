import { Inject, Injectable } from '@nestjs/common';
import { MetricRecord, parseTimestamp, tagsKey } from '@sluice/contracts';
import { PG_POOL, preparedStatement } from '@sluice/database';
import type { PublishJob } from '@sluice/queue';
import type { Pool } from 'pg';
import { extraFields } from '../persistence/extra-fields';
import { badRecord } from '../jobs/job-failure';

const KNOWN = new Set(['envcustomerid', 'entityid', 'entity', 'parametercategory', 'parametername', 'parameterid', 'value', 'unit', 'timestamp', 'tags']);

const INSERT_SAMPLES = preparedStatement(
  'metrics.insert',
  `INSERT INTO metric_samples (envcustomerid, entityid, parameterid, ts, tags_key, value, entity, parametercategory,
                                parametername, unit, tags, extra, received_at)
    SELECT u.*, $13::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[],
                          $6::float8[], $7::text[], $8::text[], $9::text[], $10::text[], $11::jsonb[], $12::jsonb[]) AS u
    ON CONFLICT DO NOTHING`,
);

/**
 * Persists one job of metric samples with a single multi-row INSERT … SELECT unnest(…); a sample
 * already stored (same customer, entity, parameter, tags and timestamp) is a no-op.
 */
@Injectable()
export class MetricWriter {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async write(job: PublishJob<MetricRecord>): Promise<{ stored: number; duplicates: number }> {
    const rows = job.records.map((r, index) => {
      const ts = parseTimestamp(r.timestamp);
      if (ts === undefined) throw badRecord(index, 'timestamp is not an ISO-8601 date-time');
      if (typeof r.value !== 'number' || !Number.isFinite(r.value)) throw badRecord(index, 'value is not a finite number');
      return { r, ts: new Date(ts).toISOString(), parameterid: r.parameterid ?? r.parametername, tagsKey: tagsKey(r.tags) };
    });
    const col = <T>(f: (x: (typeof rows)[number]) => T) => rows.map(f);
    const result = await this.pool.query(
      INSERT_SAMPLES([
        col((x) => x.r.envcustomerid),
        col((x) => x.r.entityid),
        col((x) => x.parameterid),
        col((x) => x.ts),
        col((x) => x.tagsKey),
        col((x) => x.r.value),
        col((x) => x.r.entity ?? null),
        col((x) => x.r.parametercategory ?? null),
        col((x) => x.r.parametername),
        col((x) => x.r.unit ?? null),
        col((x) => (x.r.tags ? JSON.stringify(x.r.tags) : null)),
        col((x) => extraFields(x.r, KNOWN)),
        job.receivedAt,
      ]),
    );
    const stored = result.rowCount ?? 0;
    return { stored, duplicates: rows.length - stored };
  }
}
