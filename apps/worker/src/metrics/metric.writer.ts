import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';

import { MetricRecord, parseTimestamp, recordFields, tagsKey } from '@sluice/contracts';
import { bulkInsert, PG_POOL, preparedStatement } from '@sluice/database';
import type { PublishJob } from '@sluice/queue';

import { badRecord } from '../jobs/job-failure';
import { extraFields } from '../persistence/extra-fields';

const KNOWN = recordFields(MetricRecord);

/** A sample checked, its derived values computed. */
interface Sample {
  r: MetricRecord;
  ts: string;
  parameterid: string;
  tagsKey: string;
}

const SAMPLES = bulkInsert<Sample>({
  envcustomerid: ['text', (x) => x.r.envcustomerid],
  entityid: ['text', (x) => x.r.entityid],
  parameterid: ['text', (x) => x.parameterid],
  ts: ['timestamptz', (x) => x.ts],
  tags_key: ['text', (x) => x.tagsKey],
  value: ['float8', (x) => x.r.value],
  entity: ['text', (x) => x.r.entity ?? null],
  parametercategory: ['text', (x) => x.r.parametercategory ?? null],
  parametername: ['text', (x) => x.r.parametername],
  unit: ['text', (x) => x.r.unit ?? null],
  tags: ['jsonb', (x) => (x.r.tags ? JSON.stringify(x.r.tags) : null)],
  extra: ['jsonb', (x) => extraFields(x.r, KNOWN)],
});

// The job's receipt time is one value for all its samples.
export const INSERT_SAMPLES = preparedStatement(
  'metrics.insert',
  `INSERT INTO metric_samples (${SAMPLES.names}, received_at)
    SELECT u.*, $${SAMPLES.nextParameter}::timestamptz FROM ${SAMPLES.unnest} AS u
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
    const rows = job.records.map((r, index): Sample => {
      const ts = parseTimestamp(r.timestamp);
      if (ts === undefined) throw badRecord(index, 'timestamp is not an ISO-8601 date-time');
      if (typeof r.value !== 'number' || !Number.isFinite(r.value))
        throw badRecord(index, 'value is not a finite number');
      return {
        r,
        ts: new Date(ts).toISOString(),
        parameterid: r.parameterid ?? r.parametername,
        tagsKey: tagsKey(r.tags),
      };
    });
    const result = await this.pool.query(INSERT_SAMPLES([...SAMPLES.values(rows), job.receivedAt]));
    const stored = result.rowCount ?? 0;
    return { stored, duplicates: rows.length - stored };
  }
}
