import type { Pool } from 'pg';

import { inTransaction } from '@sluice/database';
import type { ItsmUpdateJob } from '@sluice/queue';
import type { Queues } from '@sluice/queue';

import { AlertWriter } from '../../apps/worker/src/alerts/alert.writer';
import { ChannelNotifications } from '../../apps/worker/src/channels/channel-notifications.service';
import { TicketUpdateWriter } from '../../apps/worker/src/itsm/ticket-update.writer';
import { newCustomer, workerPool, workerQueues } from './worker-db';

/** TicketUpdateWriter over the run's PostgreSQL: the alert follows its ticket, and history says so. */
describe('TicketUpdateWriter on PostgreSQL', () => {
  let pool: Pool;
  let writer: TicketUpdateWriter;
  let queues: Queues;
  beforeAll(() => {
    pool = workerPool();
    queues = workerQueues();
    writer = new TicketUpdateWriter(pool, new ChannelNotifications(queues));
  });
  afterAll(async () => {
    await queues.onApplicationShutdown();
    await pool.end();
  });

  const T0 = Date.UTC(2024, 4, 1, 12);
  const openAlert = async (customer: string) => {
    const [change] = await inTransaction(pool, (db) =>
      new AlertWriter().write(db, [
        {
          identity: {
            envcustomerid: customer,
            entityid: 'host-1',
            parametercategory: '',
            parameterid: 'cpu',
            splitby: '',
          },
          entity: 'web-01',
          parametername: 'cpu',
          description: null,
          source: 'test',
          events: [{ ieventid: 'e-1', severity: 4, firstoccurrence: T0, lastoccurrence: T0 }],
        },
      ]),
    );
    return change.id;
  };
  const update = (customerId: string, alertId: string, state: string | number, number?: string): ItsmUpdateJob => ({
    requestId: 'r',
    receivedAt: new Date().toISOString(),
    customerId,
    alertId,
    update: { state, sysid: 'sys-1', number },
    via: { userEmail: 'jane@example.com' },
  });
  const itsmHistory = async (alertId: string) =>
    (
      await pool.query(
        "SELECT from_state, to_state, actor, source, note FROM alert_history WHERE alert_id = $1 AND kind = 'itsm' ORDER BY id",
        [alertId],
      )
    ).rows;

  it('resolves the alert on a resolved ticket, records it once, and ignores a repeat', async () => {
    const customer = await newCustomer(pool);
    const id = await openAlert(customer);

    expect(await writer.write(update(customer, id, 6, 'INC-7'))).toEqual({
      alertId: id,
      from: 'OPEN',
      to: 'RESOLVED',
      changed: true,
    });
    const row = (await pool.query('SELECT state, resolved_at, ticket_number FROM alerts WHERE id = $1', [id])).rows[0];
    expect(row).toMatchObject({ state: 'RESOLVED', ticket_number: 'INC-7' });
    expect(row.resolved_at).toBeInstanceOf(Date);
    expect(await itsmHistory(id)).toEqual([
      {
        from_state: 'OPEN',
        to_state: 'RESOLVED',
        actor: 'jane@example.com',
        source: 'itsm',
        note: 'ticket INC-7 state 6',
      },
    ]);

    expect(await writer.write(update(customer, id, 6, 'INC-7'))).toEqual({
      alertId: id,
      from: 'RESOLVED',
      to: 'RESOLVED',
      changed: false,
    });
    expect(await itsmHistory(id)).toHaveLength(1);
  });

  it('records a state nothing maps without changing the alert', async () => {
    const customer = await newCustomer(pool);
    const id = await openAlert(customer);
    expect(await writer.write(update(customer, id, 'weird'))).toEqual({
      alertId: id,
      from: 'OPEN',
      to: null,
      changed: false,
    });
    expect((await pool.query('SELECT state FROM alerts WHERE id = $1', [id])).rows[0].state).toBe('OPEN');
    expect(await itsmHistory(id)).toEqual([
      {
        from_state: 'OPEN',
        to_state: 'OPEN',
        actor: 'jane@example.com',
        source: 'itsm',
        note: 'ticket sys-1 state weird is not mapped to an alert state',
      },
    ]);
  });

  it("does nothing with another customer's alert", async () => {
    const customer = await newCustomer(pool);
    const other = await newCustomer(pool);
    const id = await openAlert(customer);
    expect(await writer.write(update(other, id, 6))).toBeUndefined();
    expect((await pool.query('SELECT state FROM alerts WHERE id = $1', [id])).rows[0].state).toBe('OPEN');
    expect(await itsmHistory(id)).toEqual([]);
  });
});
