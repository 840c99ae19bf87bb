import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { Gauge, register } from 'prom-client';

import { PG_POOL } from '@sluice/database';

/**
 * `sluice_adapters{status}`: adapters of all customers by health (UP, DOWN, DEGRADED, STALE), read
 * from PostgreSQL when Prometheus scrapes — what "connectors went quiet" alerts are written on.
 * Left empty for a scrape while PostgreSQL is unreachable.
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
        try {
          const { rows } = await pool.query<{ status: string; n: number }>(
            'SELECT status, count(*)::int AS n FROM adapters GROUP BY status',
          );
          for (const status of ['UP', 'DOWN', 'DEGRADED', 'STALE']) this.set({ status }, 0);
          for (const row of rows) this.set({ status: row.status }, row.n);
        } catch {
          // PostgreSQL unreachable: no figures this time (the worker's log says why).
        }
      },
    });
  }
}
