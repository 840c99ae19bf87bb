import type { Pool } from 'pg';

import type { EventRecord } from '@sluice/contracts';
import type { PublishJob } from '@sluice/queue';
import type { Queues } from '@sluice/queue';
import { QueueName } from '@sluice/queue';

import { AlertWriter } from '../../apps/worker/src/alerts/alert.writer';
import { ChannelNotifications } from '../../apps/worker/src/channels/channel-notifications.service';
import { EventWriter } from '../../apps/worker/src/events/event.writer';
import { AlertNotifications } from '../../apps/worker/src/notifier/alert-notifications.service';
import { newCustomer, withNotifier, workerPool, workerQueues } from './worker-db';

/**
 * EventWriter, AlertWriter and AlertNotifications over the run's PostgreSQL, and the notifications
 * queue in the run's Redis (a prefix of this file's own), without HTTP or a worker.
 */
describe('EventWriter on PostgreSQL', () => {
  let pool: Pool;
  let queues: Queues;
  let writer: EventWriter;

  beforeAll(() => {
    pool = workerPool();
    queues = workerQueues();
    writer = new EventWriter(pool, new AlertWriter(), new AlertNotifications(queues, new ChannelNotifications(queues)));
  });
  afterAll(async () => {
    await queues.get(QueueName.Notifications).obliterate({ force: true });
    await queues.onApplicationShutdown();
    await pool.end();
  });

  /** The notification jobs queued so far, as the notifier's worker would take them. */
  const queued = async () => {
    const jobs = await queues.get(QueueName.Notifications).getJobs(['delayed', 'wait']);
    return jobs.map((j) => ({ name: j.name, data: j.data, opts: j.opts }));
  };

  const T0 = Date.UTC(2024, 4, 1, 12);
  const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
  const job = (customer: string, records: Partial<EventRecord>[]): PublishJob<EventRecord> => ({
    requestId: 'r',
    userId: 'u',
    receivedAt: new Date(T0 + 3_600_000).toISOString(),
    records: records.map((r, i) => ({
      envcustomerid: customer,
      ieventid: `e-${i}`,
      entity: 'web-01',
      entityid: 'host-1',
      parametername: 'cpu',
      severity: 'major',
      firstoccurrence: at(i),
      ...r,
    })),
  });

  it('stores a batch, folds it into its alerts with their history, and a repeat changes nothing', async () => {
    const customer = await newCustomer(pool);
    const batch = job(customer, [
      { severity: 3 },
      { severity: 5, unknownfield: 'kept' } as never,
      { severity: 0 },
      { splitby: 'eth0' },
    ]);

    const first = await writer.write(batch);
    expect(first.stored).toBe(4);
    expect(first.duplicates).toBe(0);
    expect(first.alerts.map((a) => [a.identity.splitby, a.state, a.count]).sort()).toEqual([
      ['', 'RESOLVED', 3],
      ['eth0', 'OPEN', 1],
    ]);

    const events = await pool.query(
      `SELECT ieventid, severity, parameterid, extra, received_at FROM events WHERE envcustomerid = $1 ORDER BY ieventid`,
      [customer],
    );
    expect(events.rows.map((e) => [e.ieventid, e.severity, e.parameterid])).toEqual([
      ['e-0', 3, 'cpu'],
      ['e-1', 5, 'cpu'],
      ['e-2', 0, 'cpu'],
      ['e-3', 4, 'cpu'],
    ]);
    expect(events.rows[1].extra).toEqual({ unknownfield: 'kept' });
    expect(events.rows[0].received_at.getTime()).toBe(T0 + 3_600_000);

    const history = await pool.query(
      `SELECT h.kind, h.from_severity, h.to_severity, h.ieventid, h.at FROM alert_history h JOIN alerts a ON a.id = h.alert_id
        WHERE a.envcustomerid = $1 AND a.splitby = '' ORDER BY h.id`,
      [customer],
    );
    expect(history.rows.map((h) => [h.kind, h.from_severity, h.to_severity, h.ieventid])).toEqual([
      ['opened', null, 3, 'e-0'],
      ['severity', 3, 5, 'e-1'],
      ['resolved', 5, 0, 'e-2'],
    ]);
    expect(history.rows[2].at.getTime()).toBe(T0 + 2 * 60_000);

    expect(await writer.write(batch)).toEqual({ stored: 0, duplicates: 4, alerts: [] });
    const counts = await pool.query(
      `SELECT (SELECT count(*) FROM events WHERE envcustomerid = $1)::int AS events,
              (SELECT count(*) FROM alert_history h JOIN alerts a ON a.id = h.alert_id WHERE a.envcustomerid = $1)::int AS history`,
      [customer],
    );
    expect(counts.rows[0]).toEqual({ events: 4, history: 4 });
  });

  it('hands the changes to the notifier decision: a tenant with a notifier gets an open job at its threshold', async () => {
    const quiet = await newCustomer(pool);
    const notified = await newCustomer(pool);
    await withNotifier(pool, notified, 4);

    await writer.write(job(quiet, [{ severity: 5 }]));
    expect(await queued()).toEqual([]);

    const result = await writer.write(job(notified, [{ severity: 3 }, { severity: 4, entityid: 'host-2' }]));
    const opened = result.alerts.find((a) => a.identity.entityid === 'host-2')!;
    expect(await queued()).toEqual([
      {
        name: 'open',
        data: { action: 'open', alertId: opened.id, customerId: notified, count: 1 },
        opts: expect.objectContaining({ jobId: `open-${opened.id}-1` }),
      },
    ]);
  });
});
