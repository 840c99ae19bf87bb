import { randomBytes } from 'node:crypto';

import type { INestApplicationContext } from '@nestjs/common';

import { QueueName } from '@sluice/queue';

import { apiUser, event, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import type { MockItsm, MockItsmOptions, RecordedRequest } from '../helpers/mock-itsm';
import { startMockItsm } from '../helpers/mock-itsm';
import { drained } from '../helpers/queues';
import { StdoutCapture } from '../helpers/stdout-capture';
import type { Json, Tenant } from '../helpers/tenant';
import { get, publish as publishAs, tenant } from '../helpers/tenant';
import { eventually, startWorker } from '../helpers/worker';

/**
 * Spec §4.1 and §3 end to end, both halves of the ITSM loop against a real HTTP server playing
 * the ITSM (test/helpers/mock-itsm.ts): an alert that opens at or above the tenant's threshold
 * becomes an incident (ServiceNow Table API shapes) with each notifier auth type of seed 000 /
 * seed 003, its ticket shows on the alert, the ITSM's /gbpipush callback moves the alert, a
 * clear event resolves the incident; token caching, expiry and re-fetch after a 401; retries on
 * 5xx and 429 (Retry-After) and none on other 4xx, the last failure kept on the alert. Secrets are
 * never in an API response nor in the logs of the gateway and worker, which run at LOG_LEVEL=debug
 * with their stdout captured.
 */

const logs = new StdoutCapture();

/** The notifier secrets this file hands to Sluice: never in an API response nor in a log. */
const secrets: string[] = [];
/** Other credentials (WEBHOOK tokens, shown once when made; users' tokens; tokens the mocks issue): never in a log. */
const credentials: string[] = [];
const secret = (label: string) => {
  const value = `${label}-${randomBytes(9).toString('hex')}`;
  secrets.push(value);
  return value;
};
/** Raw bodies of every integrations API response of this file. */
const integrationResponses: string[] = [];

describe('ITSM loop: outbound notifier (spec §4.1) and /gbpipush (spec §3) against a mock ITSM', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;
  let superadmin: Record<string, string>;
  const mocks: MockItsm[] = [];

  beforeAll(async () => {
    logs.start(); // before the apps build their loggers
    gw = await startGateway({ LOG_LEVEL: 'debug', LOG_REQUESTS: 'true' });
    worker = await startWorker(gw.redisPrefix, { LOG_LEVEL: 'debug', NOTIFIER_RETRY_BASE_MS: '100' }, { logs: true });
    const admin = await apiUser(gw, [], { isSuperadmin: true });
    superadmin = admin.auth;
    credentials.push(admin.accessToken, admin.refreshToken);
  });
  afterAll(async () => {
    await worker?.close();
    await gw?.close();
    await Promise.all(mocks.map((m) => m.close()));
    logs.stop();
  });

  // ---------------------------------------------------------------- helpers

  interface ItsmTenant extends Tenant {
    integrationId: string;
    /** The WEBHOOK token (X-Integration-Token) of the tenant's integration. */
    token: string;
    mock: MockItsm;
  }

  interface TenantOptions {
    minSeverity?: number;
    inboundMap?: Json[];
    outboundMap?: Json[];
  }

  const statusMap = (thirdParty: string) => [
    {
      name: 'Status',
      thirdPartyAttrName: 'state',
      entityType: 'INCIDENT',
      thirdPartyEntityType: 'incident',
      attrValues: [{ attrValue: 'Resolved', thirdPartyAttrValue: thirdParty }],
    },
  ];

  const installUrl = (customer: string) => `/api/v2/tenants/${customer}/integrations/installed`;

  /**
   * A tenant with an API user and an installed SERVICENOW integration: inbound WEBHOOK, outbound
   * REST_API notifier at a mock ITSM of its own (made with `mockOptions`).
   */
  async function tenantWith(
    mockOptions: MockItsmOptions,
    notifier: (mock: MockItsm) => Json,
    opts: TenantOptions = {},
  ): Promise<ItsmTenant> {
    const mock = await startMockItsm(mockOptions);
    mocks.push(mock);
    const user = await tenant(gw);
    const { customer } = user;
    credentials.push(user.accessToken, user.refreshToken);
    const res = await gw.inject({
      method: 'POST',
      url: installUrl(customer),
      headers: superadmin,
      payload: {
        integration: { id: 'SERVICENOW' },
        inboundConfig: {
          authentication: { authType: 'WEBHOOK' },
          ...(opts.inboundMap && { mapAttributes: opts.inboundMap }),
        },
        outboundConfig: {
          baseNotifier: { type: 'REST_API', baseURI: mock.url, ...notifier(mock) },
          ...(opts.minSeverity !== undefined && { minSeverity: opts.minSeverity }),
          ...(opts.outboundMap && { mapAttributes: opts.outboundMap }),
        },
      },
    });
    integrationResponses.push(res.body);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    const token: string = body.inboundConfig.authentication.token;
    expect(token).toMatch(/^[A-Za-z0-9]{32}$/);
    credentials.push(token);
    return { ...user, integrationId: body.id, token, mock };
  }

  const publish = (t: Tenant, events: Json[]) => publishAs(t, 'allevents', events);

  /** Waits for the worker; then the entity's alert (there must be one). */
  const alertRow = async (t: Tenant, entityid: string) => {
    await drained(gw, QueueName.Events);
    const row = await gw.prisma.alert.findFirst({
      where: { envcustomerid: t.customer, entityid },
      select: { id: true, state: true, count: true },
    });
    expect(row).not.toBeNull();
    return row;
  };

  /** Publishes one event (critical unless overridden) of an entity of its own; the alert it opened. */
  async function raise(t: Tenant, overrides: Json = {}): Promise<{ alertId: string; entityid: string }> {
    const entityid = uniqueId('host');
    await publish(t, [event(t.customer, { entityid, ...overrides })]);
    const row = (await alertRow(t, entityid))!;
    return { alertId: row.id, entityid };
  }

  /** A severity-0 event on the entity's cpu alert, after the fixture's first one. */
  const clear = (t: Tenant, entityid: string) =>
    publish(t, [
      event(t.customer, {
        entityid,
        severity: 0,
        firstoccurrence: '2024-05-01T12:10:00Z',
        description: 'CPU back to normal',
      }),
    ]);

  const getAlert = (t: Tenant, id: string) => get(t, `/api/v1/alerts/${id}`);

  /** Polls the mock until `target` has seen `n` calls. */
  const callsReach = (t: ItsmTenant, target: Parameters<MockItsm['calls']>[0], n: number, ms?: number) =>
    eventually(
      async () => t.mock.calls(target),
      (c) => c.length >= n,
      ms,
    );

  const notificationsDrained = () => drained(gw, QueueName.Notifications);
  const itsmUpdatesDrained = () => drained(gw, QueueName.ItsmUpdates);

  /** Polls until the ITSM has answered the alert's notification with a ticket. */
  const ticketOf = (t: Tenant, id: string) =>
    eventually(
      () => getAlert(t, id),
      (a) => a.ticket !== null,
    );
  const historyOf = (a: Json, kind: string) => (a.history as Json[]).filter((h) => h.kind === kind);

  const push = (customer: string, headers: Record<string, string>, payload: Json) =>
    gw.inject({
      method: 'POST',
      url: `/gbpipush/${customer}`,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(payload),
    });

  const basicOf = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const bearer = (r: RecordedRequest) => r.headers.authorization;
  const summary = (rs: RecordedRequest[]) => rs.map((r) => `${r.route} ${r.status}`);

  /** The history row the notifier writes when it links a ticket. */
  const ticketRow = (t: ItsmTenant, note: string, state = 'OPEN', severity = 5) => ({
    at: expect.any(String),
    kind: 'ticket',
    fromState: state,
    toState: state,
    fromSeverity: severity,
    toSeverity: severity,
    ieventid: null,
    actor: null,
    source: `notifier:${t.integrationId}`,
    note,
  });
  const notifyErrorRow = (note: string) => ({
    at: expect.any(String),
    kind: 'notifyError',
    fromState: 'OPEN',
    toState: 'OPEN',
    fromSeverity: 5,
    toSeverity: 5,
    ieventid: null,
    actor: null,
    source: 'notifier',
    note,
  });

  const oauthMock = (
    clientSecret: string,
    password: string,
    extra: Partial<NonNullable<MockItsmOptions['oauth']>> = {},
  ): MockItsmOptions => ({
    auth: { scheme: 'OAUTH2' },
    oauth: { clientId: 'main-web-app-client', clientSecret, username: 'tim@acme.com', password, ...extra },
  });
  const oauthNotifier =
    (grantType: string, apiSecret: string, password: string | undefined, extra: Json = {}) =>
    (m: MockItsm) => ({
      authType: 'OAUTH2',
      grantType,
      apiKey: 'main-web-app-client',
      apiSecret,
      ...(password !== undefined && { userName: 'tim@acme.com', password }),
      accessTokenURL: `${m.url}/api/oauth/token`,
      ...extra,
    });
  /** The seed 003 token request: Basic client id/secret, a form body. */
  const tokenRequest = (apiSecret: string, form: Record<string, string>) => ({
    method: 'POST',
    path: '/api/oauth/token',
    authorization: basicOf('main-web-app-client', apiSecret),
    contentType: 'application/x-www-form-urlencoded',
    form,
    status: 200,
  });
  const tokenRequestOf = (r: RecordedRequest) => ({
    method: r.method,
    path: r.path,
    authorization: r.headers.authorization,
    contentType: r.headers['content-type'],
    form: r.form,
    status: r.status,
  });

  // ---------------------------------------------------------------- the whole loop

  describe('the whole loop', () => {
    it('critical event → incident at the ITSM (OAuth2 password grant of seed 003) → ticket on the alert → ITSM calls /gbpipush with state 6 → RESOLVED', async () => {
      const apiSecret = secret('client-secret');
      const password = secret('itsm-password');
      const t = await tenantWith(oauthMock(apiSecret, password), oauthNotifier('PASSWORD', apiSecret, password));

      const { alertId, entityid } = await raise(t);
      const [create] = await callsReach(t, 'create', 1);

      // The token request, exactly as seed 003 shows it.
      const tokens = t.mock.calls('oauth-token');
      expect(tokens.map(tokenRequestOf)).toEqual([
        tokenRequest(apiSecret, { grant_type: 'password', username: 'tim@acme.com', password }),
      ]);
      expect(tokens[0].response).toEqual({
        access_token: t.mock.issued[0].accessToken,
        token_type: 'bearer',
        refresh_token: t.mock.issued[0].refreshToken,
        expires_in: 7199,
        scope: 'main-web-app-scope',
        jti: expect.any(String),
      });

      // The incident: ServiceNow Table API fields, the access token as Bearer.
      expect({ method: create.method, path: create.path, status: create.status }).toEqual({
        method: 'POST',
        path: '/api/now/table/incident',
        status: 201,
      });
      expect(create.headers.authorization).toBe(`Bearer ${t.mock.issued[0].accessToken}`);
      expect(create.headers['content-type']).toBe('application/json');
      expect(create.body).toEqual({
        short_description: '[critical] web-01: cpu.utilization',
        description: [
          'CPU above 95% for 10 minutes',
          `Entity: web-01 (${entityid})`,
          'Severity: critical (5)',
          'Occurrences: 1, last 2024-05-01T12:00:00.000Z',
          `Sluice alert: ${alertId}`,
        ].join('\n'),
        urgency: '1',
        impact: '1',
        correlation_id: alertId,
        correlation_display: 'Sluice',
      });

      // The ticket, linked to the alert, on the read API.
      const incident = t.mock.incidents[0];
      expect(incident.number).toBe('INC0010001');
      let a = await ticketOf(t, alertId);
      expect({ state: a.state, ticket: a.ticket }).toEqual({
        state: 'OPEN',
        ticket: { sysid: incident.sys_id, number: 'INC0010001' },
      });
      expect(historyOf(a, 'ticket')).toEqual([ticketRow(t, 'opened ticket INC0010001')]);

      // The ITSM resolves the incident and calls back with its WEBHOOK token.
      const res = await push(t.customer, { 'x-integration-token': t.token }, { state: 6, sysid: incident.sys_id });
      expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 200, body: { message: 'Success' } });
      a = await eventually(
        () => getAlert(t, alertId),
        (x) => x.state === 'RESOLVED',
      );
      expect(historyOf(a, 'itsm')).toEqual([
        {
          at: expect.any(String),
          kind: 'itsm',
          fromState: 'OPEN',
          toState: 'RESOLVED',
          fromSeverity: 5,
          toSeverity: 5,
          ieventid: null,
          actor: null,
          source: `itsm:${t.integrationId}`,
          note: 'ticket INC0010001 state 6',
        },
      ]);
      expect(a.history.map((h: Json) => h.kind)).toEqual(['opened', 'ticket', 'itsm']);

      // Resolved by the ITSM, so nothing is sent back to it: one token request, one incident.
      await itsmUpdatesDrained();
      await notificationsDrained();
      expect(summary(t.mock.requests)).toEqual(['oauth-token 200', 'create 201']);
    });

    it('a clear (severity 0) event on an alert with a ticket → PATCH the incident with state "6"', async () => {
      const t = await tenantWith({ auth: { scheme: 'NONE' } }, () => ({ authType: 'NONE' }));
      const { alertId, entityid } = await raise(t);
      await ticketOf(t, alertId);
      const sysid = t.mock.incidents[0].sys_id;

      await clear(t, entityid);
      const [update] = await callsReach(t, 'update', 1);
      expect({
        method: update.method,
        path: update.path,
        status: update.status,
        authorization: update.headers.authorization,
      }).toEqual({
        method: 'PATCH',
        path: `/api/now/table/incident/${sysid}`,
        status: 200,
        authorization: undefined,
      });
      expect(update.body).toEqual({ state: '6', close_notes: 'Resolved in Sluice: web-01 cpu.utilization cleared' });

      const a = await eventually(
        () => getAlert(t, alertId),
        (x) => historyOf(x, 'ticket').length === 2,
      );
      expect({ state: a.state, severity: a.severity, ticket: a.ticket }).toEqual({
        state: 'RESOLVED',
        severity: 0,
        ticket: { sysid, number: 'INC0010001' },
      });
      expect(historyOf(a, 'ticket')).toEqual([
        ticketRow(t, 'opened ticket INC0010001'),
        ticketRow(t, 'resolved ticket INC0010001', 'RESOLVED', 0),
      ]);
      await notificationsDrained();
      expect(summary(t.mock.requests)).toEqual(['create 201', 'update 200']);
    });

    it('outbound mapAttributes: Status Resolved → "Completed" is the PATCH state, Priority Critical → "P1" the urgency and impact', async () => {
      const outboundMap = [
        ...statusMap('Completed'),
        {
          name: 'Priority',
          thirdPartyAttrName: 'priority',
          entityType: 'INCIDENT',
          attrValues: [{ attrValue: 'Critical', thirdPartyAttrValue: 'P1' }],
        },
      ];
      const t = await tenantWith({ auth: { scheme: 'NONE' } }, () => ({ authType: 'NONE' }), { outboundMap });
      const { alertId, entityid } = await raise(t);
      const [create] = await callsReach(t, 'create', 1);
      expect(create.body).toMatchObject({ urgency: 'P1', impact: 'P1', correlation_id: alertId });
      await ticketOf(t, alertId);

      await clear(t, entityid);
      const [update] = await callsReach(t, 'update', 1);
      expect(update.path).toBe(`/api/now/table/incident/${t.mock.incidents[0].sys_id}`);
      expect(update.body).toEqual({
        state: 'Completed',
        close_notes: 'Resolved in Sluice: web-01 cpu.utilization cleared',
      });
    });

    it('custom inbound state mapping: the ITSM calls back "Completed" with its integration token → RESOLVED', async () => {
      const t = await tenantWith({ auth: { scheme: 'NONE' } }, () => ({ authType: 'NONE' }), {
        inboundMap: statusMap('Completed'),
      });
      const { alertId } = await raise(t);
      const { ticket } = await ticketOf(t, alertId);

      // ServiceNow's 6 is not what this ITSM says for resolved, but "Completed" is, in any case.
      const res = await push(
        t.customer,
        { 'x-integration-token': t.token },
        { state: 'completed', sysid: ticket.sysid, resolvedby: 'jane.itsm' },
      );
      expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 200, body: { message: 'Success' } });
      const a = await eventually(
        () => getAlert(t, alertId),
        (x) => x.state === 'RESOLVED',
      );
      expect(historyOf(a, 'itsm').map((h) => [h.fromState, h.toState, h.actor, h.source, h.note])).toEqual([
        ['OPEN', 'RESOLVED', 'jane.itsm', `itsm:${t.integrationId}`, 'ticket INC0010001 state completed'],
      ]);
    });

    it("tenant boundary: the integration token of tenant A on /gbpipush/B is 401, and B's ticket is not A's", async () => {
      const A = await tenantWith({ auth: { scheme: 'NONE' } }, () => ({ authType: 'NONE' }));
      const B = await tenantWith({ auth: { scheme: 'NONE' } }, () => ({ authType: 'NONE' }));
      const { alertId } = await raise(B);
      const { ticket } = await ticketOf(B, alertId);

      const cross = await push(B.customer, { 'x-integration-token': A.token }, { state: 6, sysid: ticket.sysid });
      expect({ status: cross.statusCode, body: cross.json() }).toEqual({
        status: 401,
        body: { message: 'User is not associated with the customer' },
      });
      const own = await push(A.customer, { 'x-integration-token': A.token }, { state: 6, sysid: ticket.sysid });
      expect({ status: own.statusCode, body: own.json() }).toEqual({
        status: 404,
        body: { message: 'Ticket not found' },
      });

      await itsmUpdatesDrained();
      const a = await getAlert(B, alertId);
      expect({ state: a.state, itsm: historyOf(a, 'itsm') }).toEqual({ state: 'OPEN', itsm: [] });
    });
  });

  // ---------------------------------------------------------------- threshold

  describe('severity threshold (outboundConfig.minSeverity)', () => {
    it('default 4: a minor (3) alert opens no ticket while a critical one does; with minSeverity 2, minor and warning do, indeterminate does not', async () => {
      const t = await tenantWith({ auth: { scheme: 'NONE' } }, () => ({ authType: 'NONE' }));
      const minor = uniqueId('host');
      const critical = uniqueId('host');
      await publish(t, [
        event(t.customer, { entityid: minor, severity: 'minor' }),
        event(t.customer, { entityid: critical, severity: 5 }),
      ]);
      const minorAlert = (await alertRow(t, minor))!;
      const criticalAlert = (await alertRow(t, critical))!;
      await ticketOf(t, criticalAlert.id);
      await notificationsDrained();
      expect(t.mock.calls('create').map((c) => (c.body as Json).correlation_id)).toEqual([criticalAlert.id]);
      const m = await getAlert(t, minorAlert.id);
      expect({ severity: m.severity, ticket: m.ticket, kinds: m.history.map((h: Json) => h.kind) }).toEqual({
        severity: 3,
        ticket: null,
        kinds: ['opened'],
      });

      const updated = await gw.inject({
        method: 'POST',
        url: `${installUrl(t.customer)}/${t.integrationId}`,
        headers: superadmin,
        payload: { outboundConfig: { minSeverity: 2 } },
      });
      integrationResponses.push(updated.body);
      expect({ status: updated.statusCode, minSeverity: updated.json().outboundConfig.minSeverity }).toEqual({
        status: 200,
        minSeverity: 2,
      });

      const [minor2, warning, indeterminate] = [uniqueId('host'), uniqueId('host'), uniqueId('host')];
      await publish(t, [
        event(t.customer, { entityid: minor2, severity: 3 }),
        event(t.customer, { entityid: warning, severity: 'warning' }),
        event(t.customer, { entityid: indeterminate, severity: 1 }),
      ]);
      const ids = await Promise.all([minor2, warning, indeterminate].map(async (e) => (await alertRow(t, e))!.id));
      await callsReach(t, 'create', 3);
      await notificationsDrained();
      const creates = t.mock
        .calls('create')
        .slice(1)
        .map((c) => c.body as Json);
      expect(creates.map((b) => [b.correlation_id, b.urgency, b.impact, b.short_description]).sort()).toEqual(
        [
          [ids[0], '2', '2', '[minor] web-01: cpu.utilization'],
          [ids[1], '3', '3', '[warning] web-01: cpu.utilization'],
        ].sort(),
      );
      expect((await getAlert(t, ids[2])).ticket).toBeNull();
      expect(t.mock.calls('create')).toHaveLength(3);
    });

    it('a minor alert (no ticket at the default 4) that rises to critical opens one then', async () => {
      const t = await tenantWith({ auth: { scheme: 'NONE' } }, () => ({ authType: 'NONE' }));
      const { alertId, entityid } = await raise(t, { severity: 'minor' });
      await notificationsDrained();
      expect(t.mock.requests).toEqual([]);

      await publish(t, [
        event(t.customer, { entityid, severity: 'critical', firstoccurrence: '2024-05-01T12:05:00Z' }),
      ]);
      const a = await ticketOf(t, alertId);
      const [create] = t.mock.calls('create');
      expect(create.body).toMatchObject({
        short_description: '[critical] web-01: cpu.utilization',
        urgency: '1',
        impact: '1',
        correlation_id: alertId,
      });
      expect({ severity: a.severity, ticket: a.ticket }).toEqual({
        severity: 5,
        ticket: { sysid: t.mock.incidents[0].sys_id, number: 'INC0010001' },
      });
    });
  });

  // ---------------------------------------------------------------- auth schemes

  describe('notifier auth types', () => {
    it('NONE: no Authorization header', async () => {
      const t = await tenantWith({ auth: { scheme: 'NONE' } }, () => ({ authType: 'NONE' }));
      const { alertId } = await raise(t);
      const [create] = await callsReach(t, 'create', 1);
      expect(create.headers).not.toHaveProperty('authorization');
      expect({ status: create.status, correlation: (create.body as Json).correlation_id }).toEqual({
        status: 201,
        correlation: alertId,
      });
      expect(summary(t.mock.requests)).toEqual(['create 201']);
    });

    it('BASIC: Authorization Basic userName:password', async () => {
      const password = secret('basic-password');
      const t = await tenantWith({ auth: { scheme: 'BASIC', userName: 'sluice.integration', password } }, () => ({
        authType: 'BASIC',
        userName: 'sluice.integration',
        password,
      }));
      const { alertId } = await raise(t);
      const [create] = await callsReach(t, 'create', 1);
      expect(create.headers.authorization).toBe(basicOf('sluice.integration', password));
      expect(create.status).toBe(201);
      expect((await ticketOf(t, alertId)).ticket.number).toBe('INC0010001');
    });

    it('OAUTH2 CLIENT_CREDENTIALS: Basic apiKey:apiSecret, form grant_type=client_credentials only, Bearer access_token', async () => {
      const apiSecret = secret('cc-secret');
      const t = await tenantWith(
        oauthMock(apiSecret, 'unused'),
        oauthNotifier('CLIENT_CREDENTIALS', apiSecret, undefined),
      );
      const { alertId } = await raise(t);
      const [create] = await callsReach(t, 'create', 1);
      expect(t.mock.calls('oauth-token').map(tokenRequestOf)).toEqual([
        tokenRequest(apiSecret, { grant_type: 'client_credentials' }),
      ]);
      expect(create.headers.authorization).toBe(`Bearer ${t.mock.issued[0].accessToken}`);
      expect(create.status).toBe(201);
      await ticketOf(t, alertId);
    });

    it('OAUTH2 REFRESH_TOKEN: the configured refresh token first, then the one of the last answer once the access token expires', async () => {
      const apiSecret = secret('rt-secret');
      const password = secret('rt-password');
      const given = secret('given-refresh-token');
      // expires_in 31 s: cached until 30 s before, so about 1 s.
      const t = await tenantWith(
        oauthMock(apiSecret, password, { expiresIn: 31, refreshTokens: [given] }),
        oauthNotifier('REFRESH_TOKEN', apiSecret, password, { refreshToken: given }),
      );
      const first = await raise(t);
      await ticketOf(t, first.alertId);
      const [issued1] = t.mock.issued;
      expect(t.mock.calls('oauth-token').map(tokenRequestOf)).toEqual([
        tokenRequest(apiSecret, { grant_type: 'refresh_token', refresh_token: given }),
      ]);
      expect(bearer(t.mock.calls('create')[0])).toBe(`Bearer ${issued1.accessToken}`);

      await eventually(
        async () => Date.now(),
        (now) => now > issued1.issuedAt + 1200,
        5000,
      );
      const second = await raise(t);
      await ticketOf(t, second.alertId);
      const tokens = t.mock.calls('oauth-token');
      expect(tokens.map(tokenRequestOf)).toEqual([
        tokenRequest(apiSecret, { grant_type: 'refresh_token', refresh_token: given }),
        tokenRequest(apiSecret, { grant_type: 'refresh_token', refresh_token: issued1.refreshToken! }),
      ]);
      expect(t.mock.calls('create').map(bearer)).toEqual([
        `Bearer ${issued1.accessToken}`,
        `Bearer ${t.mock.issued[1].accessToken}`,
      ]);
    });

    it('OAUTH2 REFRESH_TOKEN: a refresh token the ITSM refuses falls back to the password grant', async () => {
      const apiSecret = secret('rt2-secret');
      const password = secret('rt2-password');
      const stale = secret('stale-refresh-token');
      const t = await tenantWith(
        oauthMock(apiSecret, password),
        oauthNotifier('REFRESH_TOKEN', apiSecret, password, { refreshToken: stale }),
      );
      const { alertId } = await raise(t);
      await ticketOf(t, alertId);
      expect(t.mock.calls('oauth-token').map(tokenRequestOf)).toEqual([
        { ...tokenRequest(apiSecret, { grant_type: 'refresh_token', refresh_token: stale }), status: 400 },
        tokenRequest(apiSecret, { grant_type: 'password', username: 'tim@acme.com', password }),
      ]);
      expect(t.mock.calls('create').map((c) => [bearer(c), c.status])).toEqual([
        [`Bearer ${t.mock.issued[0].accessToken}`, 201],
      ]);
    });

    it('JWT: tokenHeaders and tokenPayload to tokenURL, tokensPath picks the tokens, $names substituted in resourceAuthHeaders', async () => {
      const apiKey = secret('jwt-api-key');
      const password = secret('jwt-password');
      const t = await tenantWith(
        {
          auth: { scheme: 'JWT' },
          jwt: { path: '/auth/login', headers: { 'x-api-key': apiKey }, payload: { username: 'svc-sluice', password } },
        },
        (m) => ({
          authType: 'JWT',
          tokenURL: `${m.url}/auth/login`,
          tokenHeaders: [{ key: 'X-Api-Key', value: apiKey }],
          tokenPayload: { username: 'svc-sluice', password },
          tokensPath: [
            { key: 'jwtToken', value: 'rest_access.access_key' },
            { key: 'session', value: 'session.id' },
          ],
          resourceAuthHeaders: [
            { key: 'Authorization', value: 'Bearer $jwtToken' },
            { key: 'X-Session', value: 'sess=$session; user=svc-sluice' },
          ],
        }),
      );
      const { alertId } = await raise(t);
      const [create] = await callsReach(t, 'create', 1);
      const [login] = t.mock.calls('jwt-token');
      expect({
        method: login.method,
        path: login.path,
        apiKey: login.headers['x-api-key'],
        contentType: login.headers['content-type'],
        body: login.body,
        status: login.status,
      }).toEqual({
        method: 'POST',
        path: '/auth/login',
        apiKey,
        contentType: 'application/json',
        body: { username: 'svc-sluice', password },
        status: 200,
      });
      const session = (login.response as Json).session.id;
      expect(session).toMatch(/^sess-/);
      expect({
        authorization: create.headers.authorization,
        session: create.headers['x-session'],
        status: create.status,
      }).toEqual({
        authorization: `Bearer ${t.mock.issued[0].accessToken}`,
        session: `sess=${session}; user=svc-sluice`,
        status: 201,
      });
      expect((await ticketOf(t, alertId)).ticket.number).toBe('INC0010001');
      expect(summary(t.mock.requests)).toEqual(['jwt-token 200', 'create 201']);
    });
  });

  // ---------------------------------------------------------------- tokens

  describe('OAuth2 tokens: cache, expiry, 401', () => {
    it('cached: two alerts opening together and a third later → one token request, the same Bearer on all three', async () => {
      const apiSecret = secret('cache-secret');
      const t = await tenantWith(
        oauthMock(apiSecret, 'unused'),
        oauthNotifier('CLIENT_CREDENTIALS', apiSecret, undefined),
      );
      const [e1, e2] = [uniqueId('host'), uniqueId('host')];
      await publish(t, [event(t.customer, { entityid: e1 }), event(t.customer, { entityid: e2 })]);
      await callsReach(t, 'create', 2);
      await raise(t);
      await callsReach(t, 'create', 3);
      await notificationsDrained();
      expect(t.mock.calls('oauth-token')).toHaveLength(1);
      expect(t.mock.calls('create').map((c) => [bearer(c), c.status])).toEqual(
        Array(3).fill([`Bearer ${t.mock.issued[0].accessToken}`, 201]),
      );
    });

    it('expiry: with expires_in 31 the token is used for about 1 s, then a new one is fetched', async () => {
      const apiSecret = secret('expiry-secret');
      const password = secret('expiry-password');
      const t = await tenantWith(
        oauthMock(apiSecret, password, { expiresIn: 31 }),
        oauthNotifier('PASSWORD', apiSecret, password),
      );
      const first = await raise(t);
      await ticketOf(t, first.alertId);
      const [issued1] = t.mock.issued;

      await eventually(
        async () => Date.now(),
        (now) => now > issued1.issuedAt + 1200,
        5000,
      );
      const second = await raise(t);
      await ticketOf(t, second.alertId);
      expect(t.mock.calls('oauth-token').map(tokenRequestOf)).toEqual([
        tokenRequest(apiSecret, { grant_type: 'password', username: 'tim@acme.com', password }),
        tokenRequest(apiSecret, { grant_type: 'password', username: 'tim@acme.com', password }),
      ]);
      expect(t.mock.issued).toHaveLength(2);
      expect(t.mock.calls('create').map(bearer)).toEqual([
        `Bearer ${issued1.accessToken}`,
        `Bearer ${t.mock.issued[1].accessToken}`,
      ]);
    });

    it('401 (the ITSM expired the token early): the token is fetched again, once, and the call repeated → success', async () => {
      const apiSecret = secret('401-secret');
      const password = secret('401-password');
      const t = await tenantWith(oauthMock(apiSecret, password), oauthNotifier('PASSWORD', apiSecret, password));
      const first = await raise(t);
      await ticketOf(t, first.alertId);

      t.mock.revokeTokens();
      const second = await raise(t);
      const a = await ticketOf(t, second.alertId);
      expect(a.ticket.number).toBe('INC0010002');
      const [t1, t2] = t.mock.issued;
      expect(
        t.mock.requests.map((r) => [
          r.route,
          r.status,
          r.route === 'create' ? r.headers.authorization : r.form?.grant_type,
        ]),
      ).toEqual([
        ['oauth-token', 200, 'password'],
        ['create', 201, `Bearer ${t1.accessToken}`],
        ['create', 401, `Bearer ${t1.accessToken}`],
        ['oauth-token', 200, 'password'],
        ['create', 201, `Bearer ${t2.accessToken}`],
      ]);
      expect(historyOf(a, 'notifyError')).toEqual([]);
    });

    it("a notifier moved to another ITSM (baseURI and accessTokenURL updated) gets a token there; the old ITSM's token never reaches the new one", async () => {
      const apiSecret = secret('move-secret');
      const password = secret('move-password');
      const t = await tenantWith(oauthMock(apiSecret, password), oauthNotifier('PASSWORD', apiSecret, password));
      const first = await raise(t);
      await ticketOf(t, first.alertId);
      const [old] = t.mock.issued;

      const next = await startMockItsm(oauthMock(apiSecret, password));
      mocks.push(next);
      const res = await gw.inject({
        method: 'POST',
        url: `${installUrl(t.customer)}/${t.integrationId}`,
        headers: superadmin,
        payload: {
          outboundConfig: { baseNotifier: { baseURI: next.url, accessTokenURL: `${next.url}/api/oauth/token` } },
        },
      });
      // Stored credentials never follow a new destination: they must be sent again.
      expect(res.statusCode).toBe(400);
      const moved = await gw.inject({
        method: 'POST',
        url: `${installUrl(t.customer)}/${t.integrationId}`,
        headers: superadmin,
        payload: {
          outboundConfig: {
            baseNotifier: { baseURI: next.url, accessTokenURL: `${next.url}/api/oauth/token`, apiSecret, password },
          },
        },
      });
      integrationResponses.push(res.body, moved.body);
      expect(moved.statusCode).toBe(200);

      const second = await raise(t);
      await ticketOf(t, second.alertId);
      expect(summary(next.requests)).toEqual(['oauth-token 200', 'create 201']);
      expect(bearer(next.calls('create')[0])).toBe(`Bearer ${next.issued[0].accessToken}`);
      expect(next.requests.filter((r) => JSON.stringify(r.headers).includes(old.accessToken))).toEqual([]);
      expect(summary(t.mock.requests)).toEqual(['oauth-token 200', 'create 201']);
    });

    it('opens one ticket when an alert rises before its first ticket is linked (one notification of an alert at a time)', async () => {
      const t = await tenantWith({ auth: { scheme: 'NONE' }, createDelayMs: 800 }, () => ({ authType: 'NONE' }));
      const entityid = uniqueId('host');
      await publish(t, [event(t.customer, { entityid, severity: 'major' })]);
      await alertRow(t, entityid);
      // The mock takes 800 ms to create an incident (it records the call when it answers): while it
      // is still answering the first call, the alert rises to critical, which queues a second open job.
      await new Promise((r) => setTimeout(r, 400));
      await publish(t, [
        event(t.customer, { entityid, severity: 'critical', firstoccurrence: '2024-05-01T12:05:00Z' }),
      ]);
      const row = (await eventually(
        () =>
          gw.prisma.alert.findFirst({
            where: { envcustomerid: t.customer, entityid },
            select: { id: true, count: true },
          }),
        (a) => a?.count === 2,
      ))!;
      await ticketOf(t, row.id);
      await notificationsDrained();
      expect(t.mock.calls('create')).toHaveLength(1);
      const alert = await getAlert(t, row.id);
      expect(alert).toMatchObject({ severity: 5, ticket: { number: t.mock.incidents[0].number } });
      expect(historyOf(alert, 'ticket')).toHaveLength(1);
    });

    it('401 once (injected): new token, call repeated → success; 401 also with the new token: final, a notifyError, no retry', async () => {
      const apiSecret = secret('401b-secret');
      const password = secret('401b-password');
      const t = await tenantWith(oauthMock(apiSecret, password), oauthNotifier('PASSWORD', apiSecret, password));

      t.mock.failNext('create', 1, { status: 401 });
      const first = await raise(t);
      await ticketOf(t, first.alertId);
      expect(summary(t.mock.requests)).toEqual(['oauth-token 200', 'create 401', 'oauth-token 200', 'create 201']);
      expect(bearer(t.mock.requests[3])).toBe(`Bearer ${t.mock.issued[1].accessToken}`);

      t.mock.failNext('create', 2, { status: 401 });
      const second = await raise(t);
      const a = await eventually(
        () => getAlert(t, second.alertId),
        (x) => historyOf(x, 'notifyError').length > 0,
      );
      await notificationsDrained();
      expect(summary(t.mock.requests).slice(4)).toEqual(['create 401', 'oauth-token 200', 'create 401']);
      expect(a.ticket).toBeNull();
      expect(historyOf(a, 'notifyError')).toEqual([
        notifyErrorRow(
          `open ticket failed: POST ${t.mock.url}/api/now/table/incident answered 401 (also with a new token)`,
        ),
      ]);
    });
  });

  // ---------------------------------------------------------------- failures and retries

  describe('ITSM failures', () => {
    it('500 then success: retried, the ticket linked, no notifyError', async () => {
      const t = await tenantWith({ auth: { scheme: 'NONE' } }, () => ({ authType: 'NONE' }));
      t.mock.failNext('create', 1, { status: 500 });
      const { alertId } = await raise(t);
      const a = await ticketOf(t, alertId);
      expect(summary(t.mock.requests)).toEqual(['create 500', 'create 201']);
      expect(t.mock.calls('create').map((c) => (c.body as Json).correlation_id)).toEqual([alertId, alertId]);
      expect(a.ticket).toEqual({ sysid: t.mock.incidents[0].sys_id, number: 'INC0010001' });
      expect(historyOf(a, 'notifyError')).toEqual([]);
    });

    it('429 with Retry-After: 1 then success: the retry waits the second asked for (the backoff base is 100 ms)', async () => {
      const t = await tenantWith({ auth: { scheme: 'NONE' } }, () => ({ authType: 'NONE' }));
      t.mock.failNext('create', 1, { status: 429, retryAfter: '1' });
      const { alertId } = await raise(t);
      const a = await ticketOf(t, alertId);
      const [limited, ok] = t.mock.calls('create');
      expect(summary([limited, ok])).toEqual(['create 429', 'create 201']);
      expect(ok.at - limited.at).toBeGreaterThanOrEqual(1000);
      expect(a.ticket.number).toBe('INC0010001');
    });

    it('400: final, not retried (one incident call), ticket null and a notifyError in the history', async () => {
      const t = await tenantWith({ auth: { scheme: 'NONE' } }, () => ({ authType: 'NONE' }));
      const body = { error: { message: 'Mandatory field missing', detail: 'caller_id' }, status: 'failure' };
      t.mock.failNext('create', 1, { status: 400, body });
      const { alertId } = await raise(t);
      const a = await eventually(
        () => getAlert(t, alertId),
        (x) => historyOf(x, 'notifyError').length > 0,
      );
      await notificationsDrained();
      // Well past the first retry (100 ms) had there been one.
      await new Promise((r) => setTimeout(r, 500));
      expect(summary(t.mock.requests)).toEqual(['create 400']);
      expect(a.ticket).toBeNull();
      expect(historyOf(a, 'notifyError')).toEqual([
        notifyErrorRow(
          `open ticket failed: POST ${t.mock.url}/api/now/table/incident answered 400: ${JSON.stringify(body)}`,
        ),
      ]);
      expect((await getAlert(t, alertId)).ticket).toBeNull();
    });

    it('503 on all 6 tries: 6 calls with growing gaps, then ticket null and one notifyError', async () => {
      const t = await tenantWith({ auth: { scheme: 'NONE' } }, () => ({ authType: 'NONE' }));
      t.mock.failNext('create', 6, { status: 503 });
      const { alertId } = await raise(t);
      const a = await eventually(
        () => getAlert(t, alertId),
        (x) => historyOf(x, 'notifyError').length > 0,
        15_000,
      );
      await notificationsDrained();
      const creates = t.mock.calls('create');
      expect(summary(creates)).toEqual(Array(6).fill('create 503'));
      const gaps = creates.slice(1).map((c, i) => c.at - creates[i].at);
      // 100, 200, 400, 800, 1600 ms: each gap at least its backoff.
      gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(100 * 2 ** i));
      expect(a.ticket).toBeNull();
      expect(historyOf(a, 'notifyError')).toEqual([
        notifyErrorRow(`open ticket failed: POST ${t.mock.url}/api/now/table/incident answered 503`),
      ]);
    });
  });

  // ---------------------------------------------------------------- secrets

  describe('secrets', () => {
    it('never in an API response: install, update, get and list show none of password, apiSecret, refreshToken or the JWT header and payload values, yet the worker uses them', async () => {
      const apiSecret = secret('resp-api-secret');
      const password = secret('resp-password');
      const refreshToken = secret('resp-refresh-token');
      const oauth = await tenantWith(
        oauthMock(apiSecret, password, { refreshTokens: [refreshToken] }),
        oauthNotifier('REFRESH_TOKEN', apiSecret, password, { refreshToken }),
      );
      const headerKey = secret('resp-jwt-key');
      const payloadPassword = secret('resp-jwt-password');
      const staticHeader = secret('resp-static-header');
      const jwt = await tenantWith(
        {
          auth: { scheme: 'JWT' },
          jwt: { headers: { 'x-api-key': headerKey }, payload: { password: payloadPassword } },
        },
        (m) => ({
          authType: 'JWT',
          tokenURL: `${m.url}/auth/login`,
          tokenHeaders: [{ key: 'x-api-key', value: headerKey }],
          tokenPayload: { password: payloadPassword },
          tokensPath: [{ key: 'jwtToken', value: 'rest_access.access_key' }],
          resourceAuthHeaders: [
            { key: 'Authorization', value: 'Bearer $jwtToken' },
            { key: 'X-Static', value: staticHeader },
          ],
        }),
      );

      const seen: string[] = [];
      for (const t of [oauth, jwt]) {
        const one = await gw.inject({
          method: 'GET',
          url: `${installUrl(t.customer)}/${t.integrationId}`,
          headers: superadmin,
        });
        const list = await gw.inject({ method: 'GET', url: installUrl(t.customer), headers: superadmin });
        const update = await gw.inject({
          method: 'POST',
          url: `${installUrl(t.customer)}/${t.integrationId}`,
          headers: superadmin,
          payload: { outboundConfig: { minSeverity: 5 } },
        });
        const put = await gw.inject({
          method: 'PUT',
          url: `${installUrl(t.customer)}/${t.integrationId}`,
          headers: superadmin,
          payload: { displayName: 'ITSM' },
        });
        expect([one, list, update, put].map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
        seen.push(one.body, list.body, update.body, put.body);
        expect(list.json().results.map((r: Json) => r.id)).toEqual([t.integrationId]);
      }
      integrationResponses.push(...seen);
      expect(Object.keys(JSON.parse(seen[0]).outboundConfig.baseNotifier).sort()).toEqual([
        'accessTokenURL',
        'apiKey',
        'authType',
        'baseURI',
        'grantType',
        'type',
        'userName',
      ]);
      expect(Object.keys(JSON.parse(seen[4]).outboundConfig.baseNotifier).sort()).toEqual([
        'authType',
        'baseURI',
        'tokenURL',
        'tokensPath',
        'type',
      ]);
      const shown = integrationResponses.join('\n');
      expect(secrets.length).toBeGreaterThanOrEqual(6);
      expect(secrets.filter((s) => shown.includes(s))).toEqual([]);

      // Kept (sealed) all the same: the worker sends them.
      await raise(oauth);
      await raise(jwt);
      const [oauthCreate] = await callsReach(oauth, 'create', 1);
      const [jwtCreate] = await callsReach(jwt, 'create', 1);
      expect(tokenRequestOf(oauth.mock.calls('oauth-token')[0])).toEqual(
        tokenRequest(apiSecret, { grant_type: 'refresh_token', refresh_token: refreshToken }),
      );
      expect([oauthCreate.status, jwtCreate.status, jwtCreate.headers['x-static']]).toEqual([201, 201, staticHeader]);
    });

    it('never in the logs: the gateway and worker at LOG_LEVEL=debug wrote none of the secrets of this file', async () => {
      // A loop of its own (so that the test stands alone), then every secret and credential of the file.
      const apiSecret = secret('log-api-secret');
      const password = secret('log-password');
      const t = await tenantWith(oauthMock(apiSecret, password), oauthNotifier('PASSWORD', apiSecret, password));
      const { alertId } = await raise(t);
      const { ticket } = await ticketOf(t, alertId);
      const res = await push(t.customer, { 'x-integration-token': t.token }, { state: 6, sysid: ticket.sysid });
      expect(res.statusCode).toBe(200);
      await eventually(
        () => getAlert(t, alertId),
        (a) => a.state === 'RESOLVED',
      );

      // Tokens the mocks handed out are secrets too.
      for (const m of mocks)
        for (const t of m.issued) credentials.push(t.accessToken, ...(t.refreshToken ? [t.refreshToken] : []));
      const text = logs.text();
      const lines = text.split('\n').filter((l) => l.startsWith('{'));
      // The capture works: request lines of the gateway (with the credentials redacted) and the worker's start.
      expect(lines.some((l) => l.includes('"name":"gateway"') && l.includes('/integrations/installed'))).toBe(true);
      expect(
        lines.some(
          (l) =>
            l.includes('"name":"gateway"') &&
            l.includes('/gbpipush/') &&
            l.includes('"x-integration-token":"[redacted]"'),
        ),
      ).toBe(true);
      expect(lines.some((l) => l.includes('worker ready'))).toBe(true);
      // The publish routes (plain Fastify routes) write their own request line, with the request id.
      const publishLine = lines
        .map((l) => JSON.parse(l))
        .find((l) => l.req?.url === '/publish/allevents' && l.msg === 'request completed');
      expect(publishLine).toMatchObject({
        name: 'gateway',
        req: { id: expect.any(String), method: 'POST' },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
      });
      expect(secrets.length).toBeGreaterThanOrEqual(2);
      expect(credentials.length).toBeGreaterThanOrEqual(6);
      expect([...secrets, ...credentials].filter((s) => text.includes(s))).toEqual([]);
    });
  });
});
