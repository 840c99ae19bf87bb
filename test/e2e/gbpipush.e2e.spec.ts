import type { INestApplicationContext } from '@nestjs/common';
import type { InjectOptions, Response } from 'light-my-request';

import { QueueName } from '@sluice/queue';

import { apiUser, basic, createCustomer, createUser, event, login, PASSWORD, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { drained as waitForQueues } from '../helpers/queues';
import type { Json } from '../helpers/tenant';
import { eventually, startWorker } from '../helpers/worker';

/**
 * Spec §3, end to end: POST /gbpipush/{customerId}, the bi-directional ITSM callback. Every row of
 * its error table in the table's order, the order of the checks when a request breaks several,
 * and the effects on the linked alert (state mapping, history, repeats) as the read API shows
 * them after the real worker ran. Integrations are installed through the §4 API.
 */

const STATE_MESSAGE = 'state must be the ITSM state, a number or a non-empty string';

describe('ITSM callback POST /gbpipush/{customerId} (spec §3)', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;

  /** Customer A: an API user mapped to it (Basic and Bearer), no integration. */
  let A: string;
  let userA: { email: string; auth: Record<string, string>; basic: Record<string, string> };
  /** Customer B: its own API user, no integration. */
  let B: string;
  let userB: { email: string; auth: Record<string, string> };
  /** Customer T: an installed SERVICENOW WEBHOOK integration with a custom Status mapping. */
  let T: string;
  let userT: { email: string; auth: Record<string, string> };
  let integrationT: { id: string; token: string };
  let superadmin: Record<string, string>;

  beforeAll(async () => {
    gw = await startGateway();
    worker = await startWorker(gw.redisPrefix);
    [A, B, T] = await Promise.all([
      createCustomer(gw.prisma),
      createCustomer(gw.prisma),
      createCustomer(gw.prisma),
    ]).then((cs) => cs.map((c) => c.id));
    const a = await apiUser(gw, [A]);
    userA = { email: a.user.email, auth: a.auth, basic: { authorization: basic(a.user.email, PASSWORD) } };
    const b = await apiUser(gw, [B]);
    userB = { email: b.user.email, auth: b.auth };
    const t = await apiUser(gw, [T]);
    userT = { email: t.user.email, auth: t.auth };
    superadmin = (await apiUser(gw, [], { isSuperadmin: true })).auth;
    integrationT = await install(T);
  });
  afterAll(async () => {
    await worker.close();
    await gw.close();
  });

  // ---------------------------------------------------------------- helpers

  const push = (
    customerId: string,
    headers: Record<string, string>,
    payload?: unknown,
    extra: Partial<InjectOptions> = {},
  ) =>
    gw.inject({
      method: 'POST',
      url: `/gbpipush/${encodeURIComponent(customerId)}`,
      headers: { 'content-type': 'application/json', ...headers },
      ...(payload !== undefined && { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
      ...extra,
    });

  /** Status and whole body, compared in one go so that a failure shows both. */
  const reply = (res: Response) => ({ status: res.statusCode, body: res.json() });
  const SUCCESS = { status: 200, body: { message: 'Success' } };
  const INVALID_CREDENTIALS = { status: 401, body: { message: 'Invalid credentials' } };
  const MISSING_TOKEN = { status: 401, body: { message: 'Missing access token' } };
  const INVALID_TOKEN = { status: 401, body: { message: 'Invalid access token' } };
  const ACCESS_DENIED = { status: 403, body: { message: 'Access denied' } };
  const INACTIVE = { status: 400, body: { message: 'Data has been sent for inactive customer' } };
  const NOT_ASSOCIATED = { status: 401, body: { message: 'User is not associated with the customer' } };
  const TICKET_NOT_FOUND = { status: 404, body: { message: 'Ticket not found' } };
  const invalidPayload = (...errors: { field: string; error: string }[]) => ({
    status: 400,
    body: { message: 'Invalid payload', errors },
  });

  const integrationHeader = (token: string) => ({ 'x-integration-token': token });

  /** Installs a SERVICENOW WEBHOOK integration whose inbound Status mapping says Completed → Resolved. */
  async function install(tenantId: string): Promise<{ id: string; token: string }> {
    const res = await gw.inject({
      method: 'POST',
      url: `/api/v2/tenants/${tenantId}/integrations/installed`,
      headers: superadmin,
      payload: {
        integration: { id: 'SERVICENOW' },
        inboundConfig: {
          authentication: { authType: 'WEBHOOK' },
          mapAttributes: [
            {
              name: 'Status',
              thirdPartyAttrName: 'state',
              entityType: 'INCIDENT',
              thirdPartyEntityType: 'incident',
              attrValues: [{ attrValue: 'Resolved', thirdPartyAttrValue: 'Completed' }],
            },
          ],
        },
      },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.id).toMatch(/^INTG-/);
    expect(body.inboundConfig.authentication.token).toEqual(expect.any(String));
    return { id: body.id, token: body.inboundConfig.authentication.token };
  }

  /** Publishes an event of its own entity, waits for the worker's alert, links the ticket to it. */
  async function linkedAlert(
    customer: string,
    auth: Record<string, string>,
    sysid: string,
    number: string,
  ): Promise<string> {
    const entityid = uniqueId('host');
    const pub = await gw.inject({
      method: 'POST',
      url: '/publish/allevents',
      headers: auth,
      payload: [event(customer, { entityid })],
    });
    expect(pub.statusCode).toBe(200);
    await waitForQueues(gw, QueueName.Events);
    const alert = (await gw.prisma.alert.findFirst({
      where: { envcustomerid: customer, entityid },
      select: { id: true, state: true },
    }))!;
    expect(alert?.state).toBe('OPEN');
    const link = await gw.inject({
      method: 'PUT',
      url: `/api/v1/alerts/${alert.id}/ticket`,
      headers: auth,
      payload: { sysid, number },
    });
    expect({ status: link.statusCode, ticket: link.json().ticket }).toEqual({ status: 200, ticket: { sysid, number } });
    return alert.id;
  }

  async function getAlert(id: string, auth: Record<string, string>): Promise<Json> {
    const res = await gw.inject({ method: 'GET', url: `/api/v1/alerts/${id}`, headers: auth });
    expect(res.statusCode).toBe(200);
    return res.json();
  }
  const itsmRows = (a: Json) => (a.history as Json[]).filter((h) => h.kind === 'itsm');

  /** Polls the read API until the alert has `n` itsm history rows. */
  const itsmRowsReach = (id: string, auth: Record<string, string>, n: number) =>
    eventually(
      () => getAlert(id, auth),
      (a) => itsmRows(a).length === n,
    );

  /** Waits until this gateway's itsm-updates queue has nothing waiting, delayed or running. */
  const drained = () => waitForQueues(gw, QueueName.ItsmUpdates);

  /** The history row a callback writes. */
  const itsmRow = (row: { from: string; to: string; actor: string | null; source: string; note: string }) => ({
    at: expect.any(String),
    kind: 'itsm',
    fromState: row.from,
    toState: row.to,
    fromSeverity: 5,
    toSeverity: 5,
    ieventid: null,
    actor: row.actor,
    source: row.source,
    note: row.note,
  });

  // ---------------------------------------------------------------- §3 table, in its order

  describe('the error table, row by row', () => {
    const body = { state: 6, sysid: 'no-such-ticket' };

    it('bad Basic credentials: 401 Invalid credentials (wrong password, unknown user, disabled user, malformed header)', async () => {
      const disabled = await createUser(gw.prisma, { customers: [A], disabled: true });
      expect(reply(await push(A, { authorization: basic(userA.email, 'wrong password') }, body))).toEqual(
        INVALID_CREDENTIALS,
      );
      expect(reply(await push(A, { authorization: basic('nobody@example.com', PASSWORD) }, body))).toEqual(
        INVALID_CREDENTIALS,
      );
      expect(reply(await push(A, { authorization: basic(disabled.email, PASSWORD) }, body))).toEqual(
        INVALID_CREDENTIALS,
      );
      expect(reply(await push(A, { authorization: 'Basic !!not-base64-credentials' }, body))).toEqual(
        INVALID_CREDENTIALS,
      );
      expect(reply(await push(A, { authorization: 'basic' }, body))).toEqual(INVALID_CREDENTIALS);
    });

    it('no token: 401 Missing access token', async () => {
      expect(reply(await push(A, {}, body))).toEqual(MISSING_TOKEN);
      expect(reply(await push(A, { authorization: 'Bearer ' }, body))).toEqual(MISSING_TOKEN);
    });

    it('bad token: 401 Invalid access token (garbage, forged, cookie)', async () => {
      expect(reply(await push(A, { authorization: 'Bearer not-a-jwt' }, body))).toEqual(INVALID_TOKEN);
      const [h, , s] = userA.auth.authorization.slice('Bearer '.length).split('.');
      const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'someone-else', fam: 'x', exp: 9_999_999_999 })).toString('base64url')}.${s}`;
      expect(reply(await push(A, { authorization: `Bearer ${forged}` }, body))).toEqual(INVALID_TOKEN);
      expect(reply(await push(A, { cookie: 'access_token=garbage' }, body))).toEqual(INVALID_TOKEN);
    });

    it('unknown integration token: 401 Invalid access token (random, empty)', async () => {
      expect(reply(await push(T, integrationHeader('0123456789abcdefghijABCDEFGHIJ01'), body))).toEqual(INVALID_TOKEN);
      expect(reply(await push(T, integrationHeader(''), body))).toEqual(INVALID_TOKEN);
      // The token of an integration must be presented as it is, not as a bearer token.
      expect(reply(await push(T, { authorization: `Bearer ${integrationT.token}` }, body))).toEqual(INVALID_TOKEN);
    });

    it('UI user: 403 Access denied (by access token and by Basic)', async () => {
      const ui = await createUser(gw.prisma, { type: 'UI', customers: [A] });
      const { accessToken } = await login(gw, ui.email);
      expect(reply(await push(A, { authorization: `Bearer ${accessToken}` }, body))).toEqual(ACCESS_DENIED);
      expect(reply(await push(A, { authorization: basic(ui.email, PASSWORD) }, body))).toEqual(ACCESS_DENIED);
    });

    it('unknown customer and inactive customer: 400 Data has been sent for inactive customer', async () => {
      const inactive = (await createCustomer(gw.prisma, { active: false })).id;
      const mapped = await apiUser(gw, [inactive]);
      expect(reply(await push(uniqueId('no-such-customer'), superadmin, body))).toEqual(INACTIVE);
      expect(reply(await push(uniqueId('no-such-customer'), userA.auth, body))).toEqual(INACTIVE);
      expect(reply(await push(inactive, mapped.auth, body))).toEqual(INACTIVE);
      expect(reply(await push(inactive, { authorization: basic(mapped.user.email, PASSWORD) }, body))).toEqual(
        INACTIVE,
      );
    });

    it('user not mapped to the customer: 401 User is not associated with the customer', async () => {
      expect(reply(await push(A, userB.auth, body))).toEqual(NOT_ASSOCIATED);
      expect(reply(await push(B, userA.basic, body))).toEqual(NOT_ASSOCIATED);
      const nobody = await apiUser(gw, []);
      expect(reply(await push(A, nobody.auth, body))).toEqual(NOT_ASSOCIATED);
    });

    it('tenant boundary: the integration token of tenant T on /gbpipush/A is 401 not associated', async () => {
      const sysid = uniqueId('sys');
      const alertA = await linkedAlert(A, userA.auth, sysid, 'INC-BOUNDARY');
      expect(reply(await push(A, integrationHeader(integrationT.token), { state: 6, sysid }))).toEqual(NOT_ASSOCIATED);
      expect(reply(await push(B, integrationHeader(integrationT.token), body))).toEqual(NOT_ASSOCIATED);
      await drained();
      const after = await getAlert(alertA, userA.auth);
      expect({ state: after.state, itsm: itsmRows(after) }).toEqual({ state: 'OPEN', itsm: [] });
    });

    it('body invalid: 400 Invalid payload naming the field', async () => {
      const h = userA.auth;
      expect(reply(await push(A, h, { sysid: 'x' }))).toEqual(invalidPayload({ field: 'state', error: STATE_MESSAGE }));
      expect(reply(await push(A, h, { state: null, sysid: 'x' }))).toEqual(
        invalidPayload({ field: 'state', error: STATE_MESSAGE }),
      );
      expect(reply(await push(A, h, { state: { value: 6 }, sysid: 'x' }))).toEqual(
        invalidPayload({ field: 'state', error: STATE_MESSAGE }),
      );
      expect(reply(await push(A, h, { state: '', sysid: 'x' }))).toEqual(
        invalidPayload({ field: 'state', error: STATE_MESSAGE }),
      );
      expect(reply(await push(A, h, { state: '   ', sysid: 'x' }))).toEqual(
        invalidPayload({ field: 'state', error: STATE_MESSAGE }),
      );
      expect(reply(await push(A, h, { state: true, sysid: 'x' }))).toEqual(
        invalidPayload({ field: 'state', error: STATE_MESSAGE }),
      );

      const missingSysid = reply(await push(A, h, { state: 6 }));
      expect(missingSysid).toEqual({
        status: 400,
        body: {
          message: 'Invalid payload',
          errors: [{ field: 'sysid', error: expect.stringContaining('sysid must be a string') }],
        },
      });
      const blankSysid = reply(await push(A, h, { state: 6, sysid: '  ' }));
      expect(blankSysid).toEqual(invalidPayload({ field: 'sysid', error: 'sysid must not be blank' }));
      const numberSysid = reply(await push(A, h, { state: 6, sysid: 42 }));
      expect(numberSysid).toEqual({
        status: 400,
        body: {
          message: 'Invalid payload',
          errors: [{ field: 'sysid', error: expect.stringContaining('sysid must be a string') }],
        },
      });

      const both = reply(await push(A, h, {}));
      expect(both.status).toBe(400);
      expect(both.body.message).toBe('Invalid payload');
      expect(both.body.errors.map((e: Json) => e.field).sort()).toEqual(['state', 'sysid']);
      const empty = reply(await push(A, h));
      expect(empty.status).toBe(400);
      expect(empty.body.errors.map((e: Json) => e.field).sort()).toEqual(['state', 'sysid']);

      const malformed = reply(await push(A, h, '{"state": 6, "sysid": '));
      expect(malformed).toEqual({
        status: 400,
        body: {
          message: 'Invalid payload',
          errors: [expect.objectContaining({ error: expect.stringContaining('not valid JSON') })],
        },
      });
    });

    it('no alert of this customer is linked to sysid: 404 Ticket not found (unknown, or linked to another customer)', async () => {
      expect(reply(await push(A, userA.auth, { state: 6, sysid: uniqueId('unknown') }))).toEqual(TICKET_NOT_FOUND);
      const sysidOfB = uniqueId('sys');
      const alertB = await linkedAlert(B, userB.auth, sysidOfB, 'INC-OF-B');
      expect(reply(await push(A, userA.auth, { state: 6, sysid: sysidOfB }))).toEqual(TICKET_NOT_FOUND);
      expect(reply(await push(A, userA.basic, { state: 6, sysid: sysidOfB }))).toEqual(TICKET_NOT_FOUND);
      // A superadmin may use every customer, yet a ticket belongs to one.
      expect(reply(await push(A, superadmin, { state: 6, sysid: sysidOfB }))).toEqual(TICKET_NOT_FOUND);
      await drained();
      const after = await getAlert(alertB, userB.auth);
      expect({ state: after.state, itsm: itsmRows(after) }).toEqual({ state: 'OPEN', itsm: [] });
    });

    it('accepted: 200 Success, one itsm-updates job', async () => {
      const sysid = uniqueId('sys');
      const id = await linkedAlert(A, userA.auth, sysid, 'INC-ACCEPTED');
      await drained();
      await worker.close(); // so that the job waits and can be looked at
      try {
        expect(reply(await push(A, userA.auth, { state: 2, sysid, comments: 'looking into it' }))).toEqual(SUCCESS);
        const jobs = await gw.jobs(QueueName.ItsmUpdates);
        expect(jobs.map((j) => j.data)).toEqual([
          {
            requestId: expect.any(String),
            receivedAt: expect.any(String),
            customerId: A,
            alertId: id,
            update: { state: 2, sysid, comments: 'looking into it' },
            via: { userEmail: userA.email },
          },
        ]);
      } finally {
        worker = await startWorker(gw.redisPrefix);
      }
      const after = await eventually(
        () => getAlert(id, userA.auth),
        (a) => a.state === 'ACKNOWLEDGED',
      );
      expect(itsmRows(after)).toHaveLength(1);
    });
  });

  describe('the order of the checks', () => {
    it('bad credentials with an invalid body: 401, not 400', async () => {
      expect(reply(await push(A, { authorization: basic(userA.email, 'wrong') }, { state: null }))).toEqual(
        INVALID_CREDENTIALS,
      );
      expect(reply(await push(A, {}, { state: null }))).toEqual(MISSING_TOKEN);
      expect(reply(await push(A, { authorization: 'Bearer nope' }, '{not json'))).toEqual(INVALID_TOKEN);
      expect(reply(await push(T, integrationHeader('not-a-token'), { state: null }))).toEqual(INVALID_TOKEN);
    });

    it('UI user with an unknown customer: 403 before 400', async () => {
      const ui = await createUser(gw.prisma, { type: 'UI' });
      expect(reply(await push(uniqueId('no-such-customer'), { authorization: basic(ui.email, PASSWORD) }, {}))).toEqual(
        ACCESS_DENIED,
      );
    });

    it('inactive customer that the user is not mapped to: 400 inactive before 401 not associated', async () => {
      const inactive = (await createCustomer(gw.prisma, { active: false })).id;
      expect(reply(await push(inactive, userA.auth, { state: 6, sysid: 'x' }))).toEqual(INACTIVE);
      expect(reply(await push(inactive, userA.auth, '{not json'))).toEqual(INACTIVE);
    });

    it('unmapped user with an invalid body: 401 not associated, not 400', async () => {
      expect(reply(await push(A, userB.auth, { state: null }))).toEqual(NOT_ASSOCIATED);
      expect(reply(await push(A, userB.auth, {}))).toEqual(NOT_ASSOCIATED);
      expect(reply(await push(A, userB.auth, '{not json'))).toEqual(NOT_ASSOCIATED);
      expect(reply(await push(A, integrationHeader(integrationT.token), { sysid: 42 }))).toEqual(NOT_ASSOCIATED);
    });

    it('invalid body with an unknown sysid: 400 Invalid payload before 404', async () => {
      expect(reply(await push(A, userA.auth, { state: '', sysid: uniqueId('unknown') }))).toEqual(
        invalidPayload({ field: 'state', error: STATE_MESSAGE }),
      );
    });
  });

  // ---------------------------------------------------------------- effects on the alert

  describe('effects on the linked alert', () => {
    it('6 → RESOLVED, 1 → OPEN again (reopen), "6" as a string → RESOLVED; by Basic, each a history row of the user', async () => {
      const sysid = uniqueId('sys');
      const id = await linkedAlert(A, userA.auth, sysid, 'INC0010001');
      const row = (from: string, to: string, state: string) =>
        itsmRow({ from, to, actor: userA.email, source: 'itsm', note: `ticket INC0010001 state ${state}` });

      expect(reply(await push(A, userA.basic, { state: 6, sysid }))).toEqual(SUCCESS);
      let a = await itsmRowsReach(id, userA.auth, 1);
      expect({ state: a.state, resolvedAt: typeof a.resolvedAt, ticket: a.ticket }).toEqual({
        state: 'RESOLVED',
        resolvedAt: 'string',
        ticket: { sysid, number: 'INC0010001' },
      });
      expect(itsmRows(a)).toEqual([row('OPEN', 'RESOLVED', '6')]);

      expect(reply(await push(A, userA.basic, { state: 1, sysid }))).toEqual(SUCCESS);
      a = await itsmRowsReach(id, userA.auth, 2);
      expect({ state: a.state, resolvedAt: a.resolvedAt }).toEqual({ state: 'OPEN', resolvedAt: null });
      expect(itsmRows(a)[1]).toEqual(row('RESOLVED', 'OPEN', '1'));

      expect(reply(await push(A, userA.basic, { state: '6', sysid }))).toEqual(SUCCESS);
      a = await itsmRowsReach(id, userA.auth, 3);
      expect(a.state).toBe('RESOLVED');
      expect(itsmRows(a)[2]).toEqual(row('OPEN', 'RESOLVED', '6'));
      // The manual link comes first, then the callbacks, oldest first.
      expect(a.history.map((h: Json) => h.kind)).toEqual(['opened', 'ticket', 'itsm', 'itsm', 'itsm']);
    });

    it('2 and 3 → ACKNOWLEDGED, 7 and 8 → RESOLVED; by Bearer token, with the number and comments of the callback', async () => {
      const sysid = uniqueId('sys');
      const id = await linkedAlert(A, userA.auth, sysid, 'INC0020002');
      const row = (from: string, to: string, note: string) =>
        itsmRow({ from, to, actor: userA.email, source: 'itsm', note });

      expect(
        reply(await push(A, userA.auth, { state: 2, sysid, number: 'INC0020002', comments: 'working on it' })),
      ).toEqual(SUCCESS);
      let a = await itsmRowsReach(id, userA.auth, 1);
      expect({ state: a.state, resolvedAt: a.resolvedAt }).toEqual({ state: 'ACKNOWLEDGED', resolvedAt: null });
      expect(itsmRows(a)).toEqual([row('OPEN', 'ACKNOWLEDGED', 'ticket INC0020002 state 2: working on it')]);

      expect(reply(await push(A, userA.auth, { state: 7, sysid }))).toEqual(SUCCESS);
      a = await itsmRowsReach(id, userA.auth, 2);
      expect(a.state).toBe('RESOLVED');
      expect(itsmRows(a)[1]).toEqual(row('ACKNOWLEDGED', 'RESOLVED', 'ticket INC0020002 state 7'));

      expect(reply(await push(A, userA.auth, { state: '3', sysid }))).toEqual(SUCCESS);
      a = await itsmRowsReach(id, userA.auth, 3);
      expect(a.state).toBe('ACKNOWLEDGED');
      expect(itsmRows(a)[2]).toEqual(row('RESOLVED', 'ACKNOWLEDGED', 'ticket INC0020002 state 3'));

      expect(reply(await push(A, userA.auth, { state: 8, sysid }))).toEqual(SUCCESS);
      a = await itsmRowsReach(id, userA.auth, 4);
      expect(a.state).toBe('RESOLVED');
      expect(itsmRows(a)[3]).toEqual(row('ACKNOWLEDGED', 'RESOLVED', 'ticket INC0020002 state 8'));
    });

    it('values nothing maps (4, "Weird", "Completed" without a mapping): 200, a history row noting it, state unchanged', async () => {
      const sysid = uniqueId('sys');
      const id = await linkedAlert(A, userA.auth, sysid, 'INC0030003');
      const unmapped = (value: string) =>
        itsmRow({
          from: 'OPEN',
          to: 'OPEN',
          actor: userA.email,
          source: 'itsm',
          note: `ticket INC0030003 state ${value} is not mapped to an alert state`,
        });

      expect(reply(await push(A, userA.auth, { state: 4, sysid }))).toEqual(SUCCESS);
      let a = await itsmRowsReach(id, userA.auth, 1);
      expect(a.state).toBe('OPEN');
      expect(itsmRows(a)).toEqual([unmapped('4')]);

      expect(reply(await push(A, userA.auth, { state: 'Weird', sysid }))).toEqual(SUCCESS);
      a = await itsmRowsReach(id, userA.auth, 2);
      expect(a.state).toBe('OPEN');
      expect(itsmRows(a)[1]).toEqual(unmapped('Weird'));

      // Customer A has no integration, so T's "Completed" mapping does not apply to it.
      expect(reply(await push(A, userA.auth, { state: 'Completed', sysid }))).toEqual(SUCCESS);
      a = await itsmRowsReach(id, userA.auth, 3);
      expect({ state: a.state, resolvedAt: a.resolvedAt }).toEqual({ state: 'OPEN', resolvedAt: null });
      expect(itsmRows(a)[2]).toEqual(unmapped('Completed'));
    });

    it('a repeated identical callback adds no second history row (mapped and unmapped)', async () => {
      const sysid = uniqueId('sys');
      const id = await linkedAlert(A, userA.auth, sysid, 'INC0040004');

      expect(reply(await push(A, userA.auth, { state: 6, sysid }))).toEqual(SUCCESS);
      await itsmRowsReach(id, userA.auth, 1);
      expect(reply(await push(A, userA.auth, { state: 6, sysid }))).toEqual(SUCCESS);
      expect(reply(await push(A, userA.auth, { state: '6', sysid }))).toEqual(SUCCESS);
      await drained();
      let a = await getAlert(id, userA.auth);
      expect({ state: a.state, itsm: itsmRows(a).map((h: Json) => h.note) }).toEqual({
        state: 'RESOLVED',
        itsm: ['ticket INC0040004 state 6'],
      });

      expect(reply(await push(A, userA.auth, { state: 'Weird', sysid }))).toEqual(SUCCESS);
      await itsmRowsReach(id, userA.auth, 2);
      expect(reply(await push(A, userA.auth, { state: 'Weird', sysid }))).toEqual(SUCCESS);
      await drained();
      a = await getAlert(id, userA.auth);
      expect({ state: a.state, itsm: itsmRows(a).map((h: Json) => h.note) }).toEqual({
        state: 'RESOLVED',
        itsm: ['ticket INC0040004 state 6', 'ticket INC0040004 state Weird is not mapped to an alert state'],
      });
    });

    it('custom mapping through an integration token: "Completed" → RESOLVED, source itsm:INTG-..., actor resolvedby', async () => {
      const sysid = uniqueId('sys');
      const id = await linkedAlert(T, userT.auth, sysid, 'INC0050005');

      expect(
        reply(
          await push(T, integrationHeader(integrationT.token), { state: 'Completed', sysid, resolvedby: 'jane.itsm' }),
        ),
      ).toEqual(SUCCESS);
      let a = await itsmRowsReach(id, userT.auth, 1);
      expect(a.state).toBe('RESOLVED');
      expect(itsmRows(a)).toEqual([
        itsmRow({
          from: 'OPEN',
          to: 'RESOLVED',
          actor: 'jane.itsm',
          source: `itsm:${integrationT.id}`,
          note: 'ticket INC0050005 state Completed',
        }),
      ]);

      // ServiceNow's own states still apply where the mapping says nothing; case does not matter.
      expect(reply(await push(T, integrationHeader(integrationT.token), { state: 2, sysid }))).toEqual(SUCCESS);
      a = await itsmRowsReach(id, userT.auth, 2);
      expect(a.state).toBe('ACKNOWLEDGED');
      expect(itsmRows(a)[1]).toEqual(
        itsmRow({
          from: 'RESOLVED',
          to: 'ACKNOWLEDGED',
          actor: null,
          source: `itsm:${integrationT.id}`,
          note: 'ticket INC0050005 state 2',
        }),
      );

      expect(reply(await push(T, integrationHeader(integrationT.token), { state: 'completed', sysid }))).toEqual(
        SUCCESS,
      );
      a = await itsmRowsReach(id, userT.auth, 3);
      expect(a.state).toBe('RESOLVED');

      // A user of the tenant gets the tenant's mapping too, and is recorded as itself.
      expect(reply(await push(T, userT.auth, { state: 1, sysid }))).toEqual(SUCCESS);
      a = await itsmRowsReach(id, userT.auth, 4);
      expect(a.state).toBe('OPEN');
      expect(reply(await push(T, userT.auth, { state: 'Completed', sysid }))).toEqual(SUCCESS);
      a = await itsmRowsReach(id, userT.auth, 5);
      expect(a.state).toBe('RESOLVED');
      expect(itsmRows(a)[4]).toEqual(
        itsmRow({
          from: 'OPEN',
          to: 'RESOLVED',
          actor: userT.email,
          source: 'itsm',
          note: 'ticket INC0050005 state Completed',
        }),
      );
    });

    it('a regenerated integration token works and the old one gets 401 Invalid access token', async () => {
      const tenant = (await createCustomer(gw.prisma)).id;
      const user = await apiUser(gw, [tenant]);
      const integration = await install(tenant);
      const sysid = uniqueId('sys');
      const id = await linkedAlert(tenant, user.auth, sysid, 'INC0060006');

      expect(reply(await push(tenant, integrationHeader(integration.token), { state: 2, sysid }))).toEqual(SUCCESS);
      await eventually(
        () => getAlert(id, user.auth),
        (a) => a.state === 'ACKNOWLEDGED',
      );

      const res = await gw.inject({
        method: 'POST',
        url: `/api/v2/tenants/${tenant}/integrations/installed/${integration.id}/token`,
        headers: superadmin,
      });
      expect(res.statusCode).toBe(200);
      const fresh: string = res.json().inboundConfig.authentication.token;
      expect(fresh).toEqual(expect.any(String));
      expect(fresh).not.toBe(integration.token);

      expect(reply(await push(tenant, integrationHeader(integration.token), { state: 6, sysid }))).toEqual(
        INVALID_TOKEN,
      );
      expect(reply(await push(tenant, integrationHeader(fresh), { state: 6, sysid }))).toEqual(SUCCESS);
      const a = await itsmRowsReach(id, user.auth, 2);
      expect(a.state).toBe('RESOLVED');
      expect(itsmRows(a).map((h: Json) => [h.fromState, h.toState, h.source])).toEqual([
        ['OPEN', 'ACKNOWLEDGED', `itsm:${integration.id}`],
        ['ACKNOWLEDGED', 'RESOLVED', `itsm:${integration.id}`],
      ]);
    });

    it('Basic, Bearer and integration token all reach the same alert', async () => {
      const sysid = uniqueId('sys');
      const id = await linkedAlert(T, userT.auth, sysid, 'INC0070007');
      expect(reply(await push(T, { authorization: basic(userT.email, PASSWORD) }, { state: 2, sysid }))).toEqual(
        SUCCESS,
      );
      await itsmRowsReach(id, userT.auth, 1);
      expect(reply(await push(T, userT.auth, { state: 6, sysid }))).toEqual(SUCCESS);
      await itsmRowsReach(id, userT.auth, 2);
      expect(reply(await push(T, integrationHeader(integrationT.token), { state: 1, sysid }))).toEqual(SUCCESS);
      const a = await itsmRowsReach(id, userT.auth, 3);
      expect(a.state).toBe('OPEN');
      expect(itsmRows(a).map((h: Json) => [h.toState, h.actor, h.source])).toEqual([
        ['ACKNOWLEDGED', userT.email, 'itsm'],
        ['RESOLVED', userT.email, 'itsm'],
        ['OPEN', null, `itsm:${integrationT.id}`],
      ]);
    });
  });
});
