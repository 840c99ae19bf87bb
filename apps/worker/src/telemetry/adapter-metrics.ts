import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { Gauge, register } from 'prom-client';

import { within } from '@sluice/common';
import { PG_POOL } from '@sluice/database';

// STALE as the read API says it (adapters.controller.ts): silent for 2 × its interval, even before
// the scheduled check has marked it.
const BY_STATUS = `SELECT CASE WHEN lastseen < now() - make_interval(secs => 2 * interval) THEN 'STALE' ELSE status END AS status,
                          count(*)::int AS n
                     FROM adapters GROUP BY 1`;
const READ_TIMEOUT_MS = 1000;

/**
 * `sluice_adapters{status}`: adapters of all customers by health (UP, DOWN, DEGRADED, STALE), read
 * from PostgreSQL when Prometheus scrapes — what "connectors went quiet" alerts are written on.
 * Left empty for a scrape while PostgreSQL is unreachable or slower than a second.
 */
@Injectable()
export class AdapterMetrics {
  constructor(@Inject(PG_POOL) pool: Pool) {
    register.removeSingleMetric('sluice_adapters');
    new Gauge({
      name: 'sluice_adapters',
      help: 'Adapters (connectors) by health status, all customers',
      labelNames: ['status'],
      aggregator: 'max',
      async collect() {
        this.reset();
        const read = pool.query<{ status: string; n: number }>(BY_STATUS);
        const result = await within(read, READ_TIMEOUT_MS);
        if (!result) return; // PostgreSQL unreachable or slow: the worker's log says why
        for (const status of ['UP', 'DOWN', 'DEGRADED', 'STALE']) this.set({ status }, 0);
        for (const row of result.rows) this.set({ status: row.status }, row.n);
      },
    });
  }
}
