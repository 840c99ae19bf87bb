import { randomBytes } from 'node:crypto';

import type { Pool } from 'pg';

import { inTransaction } from '@sluice/database';
import type { ChannelChangeJob } from '@sluice/queue';
import type { Queues } from '@sluice/queue';
import { QueueName } from '@sluice/queue';

import { AlertWriter } from '../../apps/worker/src/alerts/alert.writer';
import type { ChannelChangeInput } from '../../apps/worker/src/channels/channel-notifications.service';
import { channelChangesOf, ChannelNotifications } from '../../apps/worker/src/channels/channel-notifications.service';
import { newCustomer, workerPool, workerQueues } from './worker-db';

/**
 * ChannelNotifications over the run's PostgreSQL and Redis (a prefix of this file's own): which
 * integrations hear of which change, the threads it keeps, and the jobs it queues.
 */
describe('ChannelNotifications on PostgreSQL and Redis', () => {
  let pool: Pool;
  let queues: Queues;
  let planner: ChannelNotifications;

  beforeAll(() => {
    pool = workerPool();
    queues = workerQueues();
    planner = new ChannelNotifications(queues);
  });
  afterAll(async () => {
    await queues.get(QueueName.ChannelDeliveries).obliterate({ force: true });
    await queues.onApplicationShutdown();
    await pool.end();
  });

  const integration = async (customer: string, type: string, minSeverity = 4, enabled = true): Promise<string> =>
    (
      await pool.query<{ id: string }>(
        `INSERT INTO channel_integrations (customer_id, type, secrets, min_severity, enabled)
         VALUES ($1, $2::"ChannelType", 'sealed', $3, $4) RETURNING id`,
        [customer, type, minSeverity, enabled],
      )
    ).rows[0].id;

  const T0 = Date.UTC(2024, 4, 1, 12);
  /** A real alert of the customer (channel_threads points at alerts). */
  const alert = async (customer: string): Promise<string> => {
    const [change] = await inTransaction(pool, (db) =>
      new AlertWriter().write(db, [
        {
          identity: {
            envcustomerid: customer,
            entityid: `host-${randomBytes(3).toString('hex')}`,
            parametercategory: '',
            parameterid: 'cpu',
            splitby: '',
          },
          entity: 'web-01',
          parametername: 'cpu',
          description: null,
          source: null,
          events: [{ ieventid: 'e1', severity: 5, firstoccurrence: T0, lastoccurrence: T0 }],
        },
      ]),
    );
    return change.id;
  };
  const change = (customer: string, alertId: string, kind: ChannelChangeInput['change'], severity = 5) => ({
    alertId,
    customerId: customer,
    change: kind,
    severity,
    count: 1,
    at: T0,
  });
  const plan = (inputs: ChannelChangeInput[]) => inTransaction(pool, (db) => planner.plan(db, inputs));
  const jobsOf = async (alertId: string) => {
    const jobs = await queues.get(QueueName.ChannelDeliveries).getJobs(['delayed', 'wait']);
    return jobs
      .map((j) => j.data as ChannelChangeJob)
      .filter((d) => d.alertId === alertId)
      .sort((a, b) => a.seq - b.seq || a.integrationId.localeCompare(b.integrationId));
  };

  it('a raising change reaches the enabled integrations at or under its severity, one numbered job each', async () => {
    const customer = await newCustomer(pool);
    const pd = await integration(customer, 'PAGER_DUTY', 5);
    const slack = await integration(customer, 'SLACK', 3);
    await integration(customer, 'WEBHOOK', 0, false);
    const alertId = await alert(customer);

    expect(await plan([change(customer, alertId, 'open', 4)])).toBe(1);
    expect(await jobsOf(alertId)).toEqual([
      expect.objectContaining({ integrationId: slack, change: 'open', seq: 1, severity: 4, kind: 'change' }),
    ]);
    // It rises to 5: PagerDuty hears of it (its first change), Slack too (its second).
    expect(await plan([change(customer, alertId, 'escalate', 5)])).toBe(2);
    const jobs = await jobsOf(alertId);
    expect(jobs.map((j) => [j.integrationId, j.change, j.seq])).toEqual(
      [
        [slack, 'open', 1],
        [pd, 'escalate', 1],
        [slack, 'escalate', 2],
      ].sort((a, b) => (a[2] as number) - (b[2] as number) || String(a[0]).localeCompare(String(b[0]))),
    );
  });

  it('acknowledge and resolve reach the integrations whose thread is open, whatever their threshold', async () => {
    const customer = await newCustomer(pool);
    const pd = await integration(customer, 'PAGER_DUTY', 5);
    await integration(customer, 'SLACK', 5);
    const told = await alert(customer);
    const untold = await alert(customer);
    await plan([change(customer, told, 'open', 5)]);
    await queues.get(QueueName.ChannelDeliveries).obliterate({ force: true });
    // Slack is switched off after it was told: it hears nothing more.
    await pool.query(`UPDATE channel_integrations SET enabled = false WHERE customer_id = $1 AND type = 'SLACK'`, [
      customer,
    ]);

    expect(await plan([change(customer, told, 'acknowledge', 5), change(customer, untold, 'acknowledge', 5)])).toBe(1);
    expect(await plan([change(customer, told, 'resolve', 0)])).toBe(1);
    expect((await jobsOf(told)).map((j) => [j.integrationId, j.change, j.seq])).toEqual([
      [pd, 'acknowledge', 2],
      [pd, 'resolve', 3],
    ]);
    expect(await jobsOf(untold)).toEqual([]);
    // Resolved: the thread is closed, so a second resolve tells no one.
    expect(await plan([change(customer, told, 'resolve', 0)])).toBe(0);
    const threads = await pool.query(
      'SELECT open, planned FROM channel_threads WHERE alert_id = $1 AND integration_id = $2',
      [told, pd],
    );
    expect(threads.rows).toEqual([{ open: false, planned: 3 }]);
  });

  it('a customer without integrations costs one query and queues nothing; another customer’s are never used', async () => {
    const mine = await newCustomer(pool);
    const theirs = await newCustomer(pool);
    await integration(theirs, 'PAGER_DUTY', 0);
    const alertId = await alert(mine);
    expect(await plan([change(mine, alertId, 'open')])).toBe(0);
    expect(await jobsOf(alertId)).toEqual([]);
  });

  it('channelChangesOf: open, reopen, a rise, a resolve, an acknowledge; nothing for a repeat or an alert opened and cleared at once', () => {
    const base = {
      identity: { envcustomerid: 'c', entityid: 'h', parametercategory: '', parameterid: 'cpu', splitby: '' },
      count: 2,
      opened: false,
      reopened: false,
      resolved: false,
      acknowledged: false,
      escalated: false,
      hasTicket: false,
      at: T0,
      state: 'OPEN' as const,
      severity: 5,
    };
    const kinds = channelChangesOf([
      { ...base, id: 'a1', opened: true },
      { ...base, id: 'a2', opened: true, reopened: true },
      { ...base, id: 'a3', escalated: true },
      { ...base, id: 'a4', resolved: true, state: 'RESOLVED', severity: 0 },
      { ...base, id: 'a5' },
      { ...base, id: 'a6', opened: true, resolved: true, state: 'RESOLVED', severity: 0 },
      { ...base, id: 'a7', acknowledged: true, state: 'ACKNOWLEDGED' },
    ]).map((c) => [c.alertId, c.change]);
    expect(kinds).toEqual([
      ['a1', 'open'],
      ['a2', 'reopen'],
      ['a3', 'escalate'],
      ['a4', 'resolve'],
      ['a6', 'resolve'],
      ['a7', 'acknowledge'],
    ]);
  });
});
