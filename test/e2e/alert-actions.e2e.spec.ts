import type { INestApplicationContext } from '@nestjs/common';

import { QueueName } from '@sluice/queue';

import { apiKey, apiUser, createCustomer, event, installItsm, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import type { MockChannel } from '../helpers/mock-channels';
import { channelCredentials, startMockChannels } from '../helpers/mock-channels';
import type { MockItsm } from '../helpers/mock-itsm';
import { startMockItsm } from '../helpers/mock-itsm';
import { drained } from '../helpers/queues';
import type { Caller, Json, Tenant } from '../helpers/tenant';
import { get, publish, tenant } from '../helpers/tenant';
import { eventually, startWorker } from '../helpers/worker';

/**
 * Spec §10, `POST /api/v1/alerts/{id}/actions`, through the gateway and a real worker: every
 * action in every state (the state it leaves, or a 409 saying why), the history row naming the
 * user, the 400s, tenancy, and that an acknowledge or resolve done by a user reaches the alert's
 * notification channel and ITSM ticket as one from an event does.
 */
describe('alert actions (spec §10)', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;
  let mocks: Record<string, MockChannel>;
  let itsm: MockItsm;
  const creds = channelCredentials();

  beforeAll(async () => {
    mocks = await startMockChannels(creds);
    itsm = await startMockItsm({ auth: { scheme: 'NONE' } });
    gw = await startGateway({ ALERT_ACTION_WAIT_MS: '10000' });
    worker = await startWorker(gw.redisPrefix, {
      CHANNEL_API_URL_PAGER_DUTY: mocks.PAGER_DUTY.url,
      NOTIFIER_RETRY_BASE_MS: '100',
    });
  });
  afterAll(async () => {
    await worker?.close();
    await gw?.close();
    await Promise.all([...Object.values(mocks ?? {}), itsm].map((m) => m?.close()));
  });

  /** Publishes one critical event of an entity of its own; answers the alert it opened. */
  async function raise(t: Tenant): Promise<string> {
    const entityid = uniqueId('host');
    await publish(t, 'allevents', [event(t.customer, { entityid })]);
    await drained(gw, QueueName.Events);
    const row = await gw.prisma.alert.findFirst({ where: { envcustomerid: t.customer, entityid } });
    expect(row).not.toBeNull();
    return row!.id;
  }

  /** The customer's PAGER_DUTY integration, sending to the mock receiver. */
  async function withPagerDuty(t: Tenant, superadmin: Record<string, string>, extra: Json = {}) {
    const res = await gw.inject({
      method: 'PUT',
      url: `/api/public/v1.0/groups/${t.customer}/integrations/PAGER_DUTY`,
      headers: superadmin,
      payload: { type: 'PAGER_DUTY', serviceKey: creds.pagerDutyRoutingKey, ...extra },
    });
    expect(res.statusCode).toBe(200);
  }

  /** The Events API actions the mock PagerDuty received about one alert, in order. */
  const pagerDutyActions = (alertId: string) =>
    mocks.PAGER_DUTY.calls.filter((c) => c.rawBody.includes(alertId)).map((c) => (c.body as Json).event_action);

  const act = (caller: Pick<Caller, 'auth'>, alertId: string, payload: unknown) =>
    gw.inject({
      method: 'POST',
      url: `/api/v1/alerts/${alertId}/actions`,
      headers: caller.auth,
      payload: payload as Json,
    });

  async function expectState(t: Tenant, alertId: string, action: string, state: string, note?: string) {
    const res = await act(t, alertId, { action, ...(note ? { note } : {}) });
    expect({ action, status: res.statusCode, body: res.statusCode === 200 ? undefined : res.json<Json>() }).toEqual({
      action,
      status: 200,
      body: undefined,
    });
    const alert = res.json<Json>();
    expect(alert).toMatchObject({ id: alertId, state });
    return alert;
  }

  async function expectConflict(t: Tenant, alertId: string, action: string, message: string) {
    const res = await act(t, alertId, { action });
    expect({ action, status: res.statusCode, body: res.json<Json>() }).toEqual({
      action,
      status: 409,
      body: expect.objectContaining({ message }) as Json,
    });
  }

  it('every action in every state: the state it leaves, or 409 with why; each applied one a history row naming the user', async () => {
    const t = await tenant(gw);
    const id = await raise(t);

    await expectConflict(t, id, 'unack', 'Only an ACKNOWLEDGED alert can be unacknowledged; this one is OPEN');
    await expectConflict(t, id, 'reopen', 'Only a RESOLVED alert can be reopened; this one is OPEN');
    await expectState(t, id, 'note', 'OPEN', 'looking at it');
    await expectState(t, id, 'ack', 'ACKNOWLEDGED');
    await expectConflict(t, id, 'ack', 'Only an OPEN alert can be acknowledged; this one is ACKNOWLEDGED');
    await expectConflict(t, id, 'reopen', 'Only a RESOLVED alert can be reopened; this one is ACKNOWLEDGED');
    await expectState(t, id, 'note', 'ACKNOWLEDGED', 'disk ordered');
    await expectState(t, id, 'unack', 'OPEN');
    await expectState(t, id, 'ack', 'ACKNOWLEDGED');
    await expectState(t, id, 'resolve', 'RESOLVED', 'disk replaced');
    await expectConflict(t, id, 'resolve', 'The alert is already RESOLVED');
    await expectConflict(t, id, 'ack', 'Only an OPEN alert can be acknowledged; this one is RESOLVED');
    await expectConflict(t, id, 'unack', 'Only an ACKNOWLEDGED alert can be unacknowledged; this one is RESOLVED');
    await expectState(t, id, 'note', 'RESOLVED', 'post-mortem on Monday');
    await expectState(t, id, 'reopen', 'OPEN');
    const last = await expectState(t, id, 'resolve', 'RESOLVED');

    // The answer carries the history: the actions after the event that opened the alert.
    const actions = (last.history as Json[]).filter((h) => h.source === 'user');
    expect(actions.map((h) => [h.kind, h.fromState, h.toState, h.actor, h.note])).toEqual([
      ['note', 'OPEN', 'OPEN', t.email, 'looking at it'],
      ['acknowledged', 'OPEN', 'ACKNOWLEDGED', t.email, null],
      ['note', 'ACKNOWLEDGED', 'ACKNOWLEDGED', t.email, 'disk ordered'],
      ['unacknowledged', 'ACKNOWLEDGED', 'OPEN', t.email, null],
      ['acknowledged', 'OPEN', 'ACKNOWLEDGED', t.email, null],
      ['resolved', 'ACKNOWLEDGED', 'RESOLVED', t.email, 'disk replaced'],
      ['note', 'RESOLVED', 'RESOLVED', t.email, 'post-mortem on Monday'],
      ['reopened', 'RESOLVED', 'OPEN', t.email, null],
      ['resolved', 'OPEN', 'RESOLVED', t.email, null],
    ]);
    // Refused actions left no row, and the read API shows the same alert.
    expect(await get(t, `/api/v1/alerts/${id}`)).toEqual(last);
  });

  it('refuses what it cannot take with a 400 that says what to fix, and unknown alerts with a 404', async () => {
    const t = await tenant(gw);
    const id = await raise(t);
    const cases: [unknown, string][] = [
      [{ action: 'snooze' }, 'action must be one of ack, unack, resolve, reopen, note'],
      [{}, 'action must be one of ack, unack, resolve, reopen, note'],
      [{ action: 'note' }, 'note must be text (and is required for the note action)'],
      [{ action: 'note', note: '   ' }, 'note must not be blank'],
      [{ action: 'ack', note: 42 }, 'note must be text (and is required for the note action)'],
      [{ action: 'note', note: 'x'.repeat(4001) }, 'note must be shorter than or equal to 4000 characters'],
    ];
    for (const [payload, error] of cases) {
      const res = await act(t, id, payload);
      expect({ payload, status: res.statusCode, text: res.body }).toEqual({
        payload,
        status: 400,
        text: expect.stringContaining(error) as string,
      });
    }
    const garbage = await gw.inject({
      method: 'POST',
      url: `/api/v1/alerts/${id}/actions`,
      headers: { ...t.auth, 'content-type': 'application/json' },
      payload: '{"action": ',
    });
    expect(garbage.statusCode).toBe(400);
    expect((await act(t, 'not-a-uuid', { action: 'ack' })).statusCode).toBe(404);
    expect((await act(t, '00000000-0000-4000-8000-000000000000', { action: 'ack' })).json()).toEqual({
      message: 'Alert not found',
    });
    // Nothing changed.
    expect((await get(t, `/api/v1/alerts/${id}`)).state).toBe('OPEN');
  });

  it("UI and API users of the alert's customer may act; others, keys and strangers may not", async () => {
    const t = await tenant(gw);
    const id = await raise(t);
    const ui = await apiUser(gw, [t.customer], { type: 'UI' });
    await expect(act(ui, id, { action: 'ack' }).then((r) => r.statusCode)).resolves.toBe(200);

    const other = await apiUser(gw, [(await createCustomer(gw.prisma)).id]);
    const otherUi = await apiUser(gw, [(await createCustomer(gw.prisma)).id], { type: 'UI' });
    const key = await apiKey(gw, t.auth, ['read', 'publish']);
    for (const [who, auth, status] of [
      ['an API user of another customer', other.auth, 403],
      ['a UI user of another customer', otherUi.auth, 403],
      ["an API key of the alert's customer", { authorization: `Bearer ${key}` }, 403],
      ['nobody', {}, 401],
    ] as const) {
      const res = await act({ auth: auth }, id, { action: 'unack' });
      expect({ who, status: res.statusCode }).toEqual({ who, status });
    }
    const alert = await get(t, `/api/v1/alerts/${id}`);
    expect(alert.state).toBe('ACKNOWLEDGED');
    expect((alert.history as Json[]).filter((h) => h.source === 'user').map((h) => h.actor)).toEqual([ui.user.email]);
  });

  it("a user's acknowledge and resolve reach the alert's channel and ITSM ticket as an event's do", async () => {
    const t = await tenant(gw);
    const superadmin = (await apiUser(gw, [], { isSuperadmin: true })).auth;
    await withPagerDuty(t, superadmin);
    await installItsm(gw, superadmin, t.customer, itsm.url);

    const id = await raise(t);
    await eventually(
      async () => pagerDutyActions(id),
      (c) => c.length === 1,
    );
    const ticketed = await eventually(
      async () => get(t, `/api/v1/alerts/${id}`),
      (a) => !!a.ticket,
    );
    const incident = itsm.incidents.find((i) => i.sys_id === (ticketed.ticket as Json).sysid)!;
    expect(incident).toBeDefined();

    await expectState(t, id, 'ack', 'ACKNOWLEDGED');
    await eventually(
      async () => pagerDutyActions(id),
      (c) => c.length === 2,
    );
    await expectState(t, id, 'resolve', 'RESOLVED');
    await eventually(
      async () => pagerDutyActions(id),
      (c) => c.length === 3,
    );
    expect(pagerDutyActions(id)).toEqual(['trigger', 'acknowledge', 'resolve']);
    expect(mocks.PAGER_DUTY.incidents.get(id)).toBe('resolved');
    // The ticket is resolved as for a clear event: the ITSM got an update of the incident.
    await eventually(
      async () => incident.updates.length,
      (n) => n >= 1,
    );
    await drained(gw, QueueName.Notifications, QueueName.ChannelDeliveries);
  });

  it('a resolve makes the severity 0 and a reopen brings it back, as events do; a reopen after a clear event is notified', async () => {
    const t = await tenant(gw);
    const superadmin = (await apiUser(gw, [], { isSuperadmin: true })).auth;
    await withPagerDuty(t, superadmin, { minSeverity: 4 });
    const entityid = uniqueId('host');
    await publish(t, 'allevents', [event(t.customer, { entityid })]);
    await drained(gw, QueueName.Events);
    const id = (await gw.prisma.alert.findFirstOrThrow({ where: { envcustomerid: t.customer, entityid } })).id;
    await eventually(
      async () => pagerDutyActions(id),
      (c) => c.length === 1,
    );

    // A clear event resolves it (severity 0); the user reopens it: critical again, and notified.
    await publish(t, 'allevents', [
      event(t.customer, { entityid, severity: 0, firstoccurrence: '2024-05-01T12:10:00Z' }),
    ]);
    await drained(gw, QueueName.Events);
    expect(await get(t, `/api/v1/alerts/${id}`)).toMatchObject({ state: 'RESOLVED', severity: 0 });
    await eventually(
      async () => pagerDutyActions(id),
      (c) => c.length === 2,
    );
    const reopened = await expectState(t, id, 'reopen', 'OPEN');
    expect(reopened.severity).toBe(5);
    expect((reopened.history as Json[]).at(-1)).toMatchObject({ kind: 'reopened', fromSeverity: 0, toSeverity: 5 });
    const open = await get(t, `/api/v1/alerts?customerid=${t.customer}&minseverity=4`);
    expect((open.results as Json[]).map((a) => a.id)).toContain(id);
    await eventually(
      async () => pagerDutyActions(id),
      (c) => c.length === 3,
    );
    expect(pagerDutyActions(id)).toEqual(['trigger', 'resolve', 'trigger']);

    // A user's resolve: severity 0, the critical kept as the previous one.
    const resolved = await expectState(t, id, 'resolve', 'RESOLVED');
    expect(resolved).toMatchObject({ severity: 0, previousSeverity: 5 });
    await eventually(
      async () => pagerDutyActions(id),
      (c) => c.length === 4,
    );
  });

  it('answers 503 and changes nothing when no worker takes the action in time', async () => {
    const alone = await startGateway({ ALERT_ACTION_WAIT_MS: '200' });
    try {
      const t = await tenant(alone);
      const alert = await alone.prisma.alert.create({
        data: {
          envcustomerid: t.customer,
          entityid: 'host-1',
          parametercategory: '',
          parameterid: 'cpu',
          splitby: '',
          entity: 'host-1',
          parametername: 'cpu',
          severity: 5,
          state: 'OPEN',
          count: 1,
          firstoccurrence: new Date(),
          lastoccurrence: new Date(),
        },
      });
      const res = await alone.inject({
        method: 'POST',
        url: `/api/v1/alerts/${alert.id}/actions`,
        headers: t.auth,
        payload: { action: 'ack' },
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      // A worker that starts afterwards finds nothing to apply: the job was withdrawn or has expired.
      const late = await startWorker(alone.redisPrefix);
      try {
        await drained(alone, QueueName.AlertActions);
        expect((await alone.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).state).toBe('OPEN');
      } finally {
        await late.close();
      }
    } finally {
      await alone.close();
    }
  });
});
