import { Inject, Injectable } from '@nestjs/common';
import { inTransaction, PG_POOL } from '@sluice/database';
import type { Pool } from 'pg';
import { AlertWriter } from '../alerts/alert.writer';
import { ADAPTER_DOWN_SEVERITY, adapterAlertInput } from '../healthcheck/adapter-alerts';

/**
 * Spec §2.5: an adapter silent for 2 × its interval becomes STALE and raises its alert; its next
 * UP heartbeat resolves it (HeartbeatWriter). One UPDATE finds and marks them all.
 */
@Injectable()
export class StaleAdapters {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly alerts: AlertWriter,
  ) {}

  async mark(now = new Date()): Promise<number> {
    return inTransaction(this.pool, async (db) => {
      const stale = await db.query<{ envcustomerid: string; adapterid: string; name: string; lastseen: Date; interval: number }>(
        `UPDATE adapters SET status = 'STALE', updated_at = now()
          WHERE status <> 'STALE' AND lastseen < $1::timestamptz - make_interval(secs => 2 * interval)
          RETURNING envcustomerid, adapterid, name, lastseen, interval`,
        [now.toISOString()],
      );
      await this.alerts.apply(
        db,
        stale.rows.map((a) =>
          adapterAlertInput(
            { envcustomerid: a.envcustomerid, adapterid: a.adapterid, adaptername: a.name },
            ADAPTER_DOWN_SEVERITY,
            'stale',
            now.getTime(),
            `Adapter ${a.name} sent no heartbeat since ${a.lastseen.toISOString()} (expected every ${a.interval} s)`,
          ),
        ),
      );
      return stale.rowCount ?? 0;
    });
  }
}
