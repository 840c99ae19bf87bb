import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';

import { inTransaction, PG_POOL } from '@sluice/database';

import { AlertWriter } from '../alerts/alert.writer';
import { ADAPTER_DOWN_SEVERITY, adapterAlertInput } from '../healthcheck/adapter-alerts';
import { AlertNotifications } from '../notifier/alert-notifications.service';
import { AdapterRepository } from '../persistence/adapter.repository';

/**
 * Spec §2.5: an adapter silent for 2 × its interval becomes STALE and raises its alert; its next
 * UP heartbeat resolves it (HeartbeatWriter). One UPDATE finds and marks them all.
 */
@Injectable()
export class StaleAdapters {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly alerts: AlertWriter,
    private readonly notifications: AlertNotifications,
  ) {}

  async mark(now = new Date()): Promise<number> {
    return inTransaction(this.pool, async (db) => {
      const stale = await AdapterRepository.markStale(db, now);
      const changes = await this.alerts.write(
        db,
        stale.map((a) =>
          adapterAlertInput(
            { envcustomerid: a.envcustomerid, adapterid: a.adapterid, adaptername: a.name },
            ADAPTER_DOWN_SEVERITY,
            'stale',
            now.getTime(),
            `Adapter ${a.name} sent no heartbeat since ${a.lastseen.toISOString()} (expected every ${a.interval} s)`,
          ),
        ),
      );
      await this.notifications.plan(db, changes);
      return stale.length;
    });
  }
}
