import { randomUUID } from 'node:crypto';

import type { Pool } from 'pg';

import { inTransaction } from '@sluice/database';

import type { AlertWriteRow } from '../../apps/worker/src/persistence/alert.repository';
import { AlertRepository } from '../../apps/worker/src/persistence/alert.repository';
import { AlertHistoryRepository } from '../../apps/worker/src/persistence/alert-history.repository';
import { newCustomer, workerPool } from './worker-db';

/** The alerts and alert_history repositories over the run's PostgreSQL. */
describe('AlertRepository and AlertHistoryRepository on PostgreSQL', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = workerPool();
  });
  afterAll(() => pool.end());

  const T0 = Date.UTC(2024, 4, 1, 12);
  const alert = (customer: string, entityid = 'host-1'): AlertWriteRow => ({
    id: randomUUID(),
    input: {
      identity: { envcustomerid: customer, entityid, parametercategory: '', parameterid: 'cpu', splitby: '' },
      entity: 'web-01',
      parametername: 'cpu',
      description: null,
      source: 'test',
    },
    alert: {
      severity: 4,
      previousSeverity: null,
      state: 'OPEN',
      count: 1,
      firstoccurrence: T0,
      lastoccurrence: T0,
      resolvedAt: null,
    },
  });
  const stored = async (a: AlertWriteRow) => {
    await inTransaction(pool, (db) => AlertRepository.insert(db, [a]));
    return a;
  };

  it('reads, locks and changes an alert only with its own customer', async () => {
    const owner = await newCustomer(pool);
    const other = await newCustomer(pool);
    const a = await stored(alert(owner));

    expect(await AlertRepository.byId(pool, owner, a.id)).toMatchObject({
      id: a.id,
      state: 'OPEN',
      severity: 4,
      count: 1,
    });
    expect(await AlertRepository.byId(pool, other, a.id)).toBeUndefined();
    expect(await AlertRepository.identityById(pool, owner, a.id)).toEqual(a.input.identity);
    expect(await AlertRepository.identityById(pool, other, a.id)).toBeUndefined();
    expect(await inTransaction(pool, (db) => AlertRepository.forUpdate(db, other, a.id))).toBeUndefined();

    await AlertRepository.setState(pool, other, a.id, 'RESOLVED', 'INC-X');
    await AlertRepository.linkTicket(pool, other, a.id, { sysid: 'sys-x', number: 'INC-X' });
    expect(await AlertRepository.byId(pool, owner, a.id)).toMatchObject({
      state: 'OPEN',
      resolved_at: null,
      ticket_sysid: null,
      ticket_number: null,
    });

    await AlertRepository.setState(pool, owner, a.id, 'ACKNOWLEDGED', 'INC-1');
    await AlertRepository.linkTicket(pool, owner, a.id, { sysid: 'sys-1', number: 'INC-1' });
    expect(await AlertRepository.byId(pool, owner, a.id)).toMatchObject({
      state: 'ACKNOWLEDGED',
      ticket_sysid: 'sys-1',
      ticket_number: 'INC-1',
    });
  });

  it('keeps one ticket to one alert of a customer and names the holder', async () => {
    const customer = await newCustomer(pool);
    const first = await stored(alert(customer, 'host-1'));
    const second = await stored(alert(customer, 'host-2'));
    await AlertRepository.linkTicket(pool, customer, first.id, { sysid: 'sys-9', number: null });
    await expect(
      AlertRepository.linkTicket(pool, customer, second.id, { sysid: 'sys-9', number: null }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await AlertRepository.ticketHolder(pool, customer, 'sys-9', second.id)).toBe(first.id);
    expect(await AlertRepository.ticketHolder(pool, customer, 'sys-9', first.id)).toBeUndefined();
  });

  it('appends history rows in one statement: a row without a time gets the transaction time', async () => {
    const customer = await newCustomer(pool);
    const a = await stored(alert(customer));
    const base = {
      alertId: a.id,
      fromState: 'OPEN',
      toState: 'OPEN',
      fromSeverity: 4,
      toSeverity: 4,
      ieventid: null,
    } as const;
    const now = await inTransaction(pool, async (db) => {
      await AlertHistoryRepository.append(db, [
        {
          ...base,
          at: T0,
          kind: 'opened',
          fromState: null,
          fromSeverity: null,
          ieventid: 'e-1',
          source: 'test',
          actor: null,
          note: null,
        },
        { ...base, at: null, kind: 'itsm', source: 'itsm', actor: 'jane@example.com', note: 'ticket INC-1 state 2' },
      ]);
      return (await db.query<{ now: Date }>('SELECT now()::timestamptz(3) AS now')).rows[0].now; // the column's precision
    });
    await AlertHistoryRepository.append(pool, []);

    const rows = await pool.query(
      'SELECT kind, at, from_state, to_state, ieventid, source, actor, note FROM alert_history WHERE alert_id = $1 ORDER BY id',
      [a.id],
    );
    expect(rows.rows).toEqual([
      {
        kind: 'opened',
        at: new Date(T0),
        from_state: null,
        to_state: 'OPEN',
        ieventid: 'e-1',
        source: 'test',
        actor: null,
        note: null,
      },
      {
        kind: 'itsm',
        at: now,
        from_state: 'OPEN',
        to_state: 'OPEN',
        ieventid: null,
        source: 'itsm',
        actor: 'jane@example.com',
        note: 'ticket INC-1 state 2',
      },
    ]);
  });

  it("finds the newest history entry of some kinds, only with the alert's customer", async () => {
    const customer = await newCustomer(pool);
    const other = await newCustomer(pool);
    const a = await stored(alert(customer));
    const row = (kind: 'reopened' | 'ticket' | 'itsm', note: string) =>
      ({
        alertId: a.id,
        at: null,
        kind,
        fromState: 'OPEN',
        toState: 'OPEN',
        fromSeverity: 4,
        toSeverity: 4,
        ieventid: null,
        source: 's',
        actor: null,
        note,
      }) as const;
    await AlertHistoryRepository.append(pool, [row('reopened', 'r'), row('ticket', 't'), row('itsm', 'i')]);

    expect(await AlertHistoryRepository.last(pool, customer, a.id, ['reopened', 'ticket'])).toEqual({
      kind: 'ticket',
      note: 't',
      source: 's',
    });
    expect(await AlertHistoryRepository.last(pool, customer, a.id, ['itsm'])).toEqual({
      kind: 'itsm',
      note: 'i',
      source: 's',
    });
    expect(await AlertHistoryRepository.last(pool, other, a.id, ['itsm'])).toBeUndefined();
  });
});
