import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Pool } from 'pg';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { PG_POOL } from '@sluice/database';

import { RetainedTable, RetentionRepository } from '../persistence/retention.repository';

const BATCH = 10_000;

/**
 * Deletes events, metric samples and alert history older than their RETENTION_*_DAYS, in batches
 * of 10,000 rows so that no statement holds locks for long or bloats one transaction. Batched
 * deletes rather than time partitions: the uniqueness that makes ingestion idempotent
 * ((customer, ieventid) for events) cannot be enforced across partitions of a time range.
 */
@Injectable()
export class Retention {
  private readonly logger = new Logger(Retention.name);

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
  ) {}

  async run(now = new Date()): Promise<Record<string, number>> {
    const { events, metrics, history } = this.config.retentionDays;
    const deleted = {
      events: await this.purge({ table: 'events', key: 'id', column: 'stored_at' }, events, now),
      metric_samples: await this.purge({ table: 'metric_samples', key: 'ctid', column: 'stored_at' }, metrics, now),
      alert_history: await this.purge({ table: 'alert_history', key: 'id', column: 'at' }, history, now),
    };
    if (Object.values(deleted).some((n) => n > 0)) this.logger.log(`retention deleted ${JSON.stringify(deleted)}`);
    return deleted;
  }

  private async purge(target: RetainedTable, days: number, now: Date): Promise<number> {
    if (days <= 0) return 0;
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
    let total = 0;
    for (;;) {
      const deleted = await RetentionRepository.deleteOlderThan(this.pool, target, cutoff, BATCH);
      total += deleted;
      if (deleted < BATCH) return total;
    }
  }
}
