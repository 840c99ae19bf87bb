import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';

import { HeartbeatRecord, recordFields, Severity } from '@sluice/contracts';
import { bulkInsert, inTransaction, PG_POOL } from '@sluice/database';
import type { PublishJob } from '@sluice/queue';

import { AlertInput, AlertWriter } from '../alerts/alert.writer';
import { AlertNotifications } from '../notifier/alert-notifications.service';
import { extraFields } from '../persistence/extra-fields';
import { newestRecords } from '../persistence/newest-records';
import { ADAPTER_DOWN_SEVERITY, adapterAlertInput } from './adapter-alerts';

const KNOWN = recordFields(HeartbeatRecord);
export const DEFAULT_HEARTBEAT_INTERVAL = 300;

type Timed = { record: HeartbeatRecord; ts: number };

const ADAPTERS = bulkInsert<Timed>({
  envcustomerid: ['text', (x) => x.record.envcustomerid],
  adapterid: ['text', (x) => x.record.adapterid],
  name: ['text', (x) => x.record.adaptername],
  type: ['text', (x) => x.record.adaptertype ?? null],
  status: ['text', (x) => x.record.status],
  interval: ['int', (x) => x.record.interval ?? DEFAULT_HEARTBEAT_INTERVAL],
  lastseen: ['timestamptz', (x) => new Date(x.ts).toISOString()],
  message: ['text', (x) => x.record.message ?? null],
  stats: ['jsonb', (x) => (x.record.stats ? JSON.stringify(x.record.stats) : null)],
  extra: ['jsonb', (x) => extraFields(x.record, KNOWN)],
});

export const UPSERT_ADAPTERS = `INSERT INTO adapters (${ADAPTERS.names})
         SELECT * FROM ${ADAPTERS.unnest}
         ON CONFLICT (envcustomerid, adapterid) DO UPDATE SET
           name = EXCLUDED.name, type = EXCLUDED.type, status = EXCLUDED.status, interval = EXCLUDED.interval,
           lastseen = EXCLUDED.lastseen, message = EXCLUDED.message, stats = EXCLUDED.stats, extra = EXCLUDED.extra,
           updated_at = now()
         WHERE adapters.lastseen < EXCLUDED.lastseen
         RETURNING envcustomerid, adapterid`;

/**
 * Spec §2.5: keeps the newest heartbeat of each adapter (an older one arriving late is ignored,
 * and so is one no newer than the stored one: a repeat, e.g. a client's retry, must not count
 * on the adapter's alert again); DOWN opens the adapter's alert, UP resolves it. DEGRADED is
 * recorded and leaves the alert as it is.
 */
@Injectable()
export class HeartbeatWriter {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly alerts: AlertWriter,
    private readonly notifications: AlertNotifications,
  ) {}

  async write(job: PublishJob<HeartbeatRecord>): Promise<{ applied: number; ignored: number }> {
    const rows = newestRecords(job.records, (r) => r.adapterid);

    return inTransaction(this.pool, async (db) => {
      const won = await db.query<{ envcustomerid: string; adapterid: string }>(UPSERT_ADAPTERS, ADAPTERS.values(rows));
      const applied = new Set(won.rows.map((w) => `${w.envcustomerid}\u0000${w.adapterid}`));
      const inputs: AlertInput[] = [];
      for (const { record, ts } of rows) {
        if (!applied.has(`${record.envcustomerid}\u0000${record.adapterid}`)) continue;
        if (record.status === 'DOWN') {
          inputs.push(
            adapterAlertInput(
              record,
              ADAPTER_DOWN_SEVERITY,
              'down',
              ts,
              `Adapter ${record.adaptername} reports DOWN${record.message ? `: ${record.message}` : ''}`,
            ),
          );
        } else if (record.status === 'UP') {
          inputs.push(adapterAlertInput(record, Severity.CLEAR, 'up', ts, `Adapter ${record.adaptername} is UP`));
        }
      }
      await this.notifications.plan(db, await this.alerts.write(db, inputs));
      return { applied: won.rows.length, ignored: job.records.length - won.rows.length };
    });
  }
}
