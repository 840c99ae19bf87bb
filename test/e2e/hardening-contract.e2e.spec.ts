import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';

import { defaultMigrationsDir, ensureDatabase, migrate } from '@sluice/database';
import { QueueName } from '@sluice/queue';

import { apiUser, createCustomer, entity, event, service, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import type { MockItsm, MockItsmOptions } from '../helpers/mock-itsm';
import { startMockItsm } from '../helpers/mock-itsm';
import { drained } from '../helpers/queues';
import type { Json } from '../helpers/tenant';
import { eventually, startWorker } from '../helpers/worker';

/**
 * Hardening of the contract (issue 10): an installed integration takes back the body its own GET
 * answered; a tombstoned entity or service leaves no edge in the graph; one ticket links to one
 * alert of a customer, kept by the database against concurrent links and the worker alike; and
 * what an ITSM echoes of the credentials Sluice sent it never reaches the alert history.
 */
describe('hardening: contract', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;
  let superadmin: Record<string, string>;
  const mocks: MockItsm[] = [];

  beforeAll(async () => {
    gw = await startGateway();
    worker = await startWorker(gw.redisPrefix, { NOTIFIER_RETRY_BASE_MS: '100' });
    superadmin = (await apiUser(gw, [], { isSuperadmin: true })).auth;
  });
  afterAll(async () => {
    await worker?.close();
    await gw?.close();
    await Promise.all(mocks.map((m) => m.close()));
  });

  const send = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers = superadmin) =>
    gw.inject({ method, url, headers, ...(payload !== undefined && { payload: payload as object }) });
  const installed = (tenantId: string) => `/api/v2/tenants/${tenantId}/integrations/installed`;
  const invalid = (field: string, error: string) => ({ message: 'Invalid payload', errors: [{ field, error }] });

  // ------------------------------------------------------------------ integration round trip

  describe('GET-modify-PUT of an installed integration', () => {
    const statusMap = {
      name: 'Status',
      thirdPartyAttrName: 'state',
      entityType: 'INCIDENT',
      thirdPartyEntityType: 'incident',
      attrValues: [{ attrValue: 'Resolved', thirdPartyAttrValue: '6' }],
    };

    async function installFull(tenantId: string) {
      const res = await send('POST', installed(tenantId), {
        displayName: 'ServiceNow production',
        integration: { id: 'SERVICENOW' },
        inboundConfig: { authentication: { authType: 'WEBHOOK' }, mapAttributes: [statusMap] },
        outboundConfig: {
          mapAttributes: [
            { ...statusMap, name: 'Priority', attrValues: [{ attrValue: 'Critical', thirdPartyAttrValue: '1' }] },
          ],
          baseNotifier: {
            type: 'REST_API',
            baseURI: 'https://acme.service-now.com',
            authType: 'BASIC',
            userName: 'svc',
            password: 'kept secret',
          },
          minSeverity: 3,
        },
      });
      expect(res.statusCode).toBe(201);
      return res.json();
    }

    it.each(['PUT', 'POST'] as const)(
      '%s of the GET body with one change: 200, the change made, everything else as it was',
      async (method) => {
        const t = (await createCustomer(gw.prisma)).id;
        const { id } = await installFull(t);
        const got = (await send('GET', `${installed(t)}/${id}`)).json();
        expect(got).toMatchObject({
          id,
          integration: { id: 'SERVICENOW', name: 'ServiceNow' },
          inboundConfig: { mapAttributes: [{ attrName: 'incident.status.name' }] },
        });
        const tokenHash = (await gw.prisma.integration.findUnique({ where: { id } }))!.inboundTokenHash;

        const res = await send(method, `${installed(t)}/${id}`, { ...got, displayName: 'ServiceNow (renamed)' });
        expect([res.statusCode, res.json()]).toEqual([200, { ...got, displayName: 'ServiceNow (renamed)' }]);
        expect((await send('GET', `${installed(t)}/${id}`)).json()).toEqual({
          ...got,
          displayName: 'ServiceNow (renamed)',
        });
        // The BASIC password came from the stored secrets (the body has none), and the token stayed.
        const row = (await gw.prisma.integration.findUnique({ where: { id } }))!;
        expect([row.hasNotifier, row.inboundTokenHash]).toEqual([true, tokenHash]);
      },
    );

    it('the install answer, token included, is taken back too', async () => {
      const t = (await createCustomer(gw.prisma)).id;
      const created = await installFull(t);
      expect(created.inboundConfig.authentication.token).toMatch(/^[A-Za-z0-9]{32}$/);
      const res = await send('PUT', `${installed(t)}/${created.id}`, { ...created, displayName: 'again' });
      expect(res.statusCode).toBe(200);
      const { token: _shownOnce, ...authentication } = created.inboundConfig.authentication;
      expect(res.json()).toEqual({
        ...created,
        displayName: 'again',
        inboundConfig: { ...created.inboundConfig, authentication },
      });
    });

    it('attrName is derived: a stale one sent back is ignored', async () => {
      const t = (await createCustomer(gw.prisma)).id;
      const { id } = await installFull(t);
      const got = (await send('GET', `${installed(t)}/${id}`)).json();
      const renamed = { ...got.inboundConfig.mapAttributes[0], name: 'State', attrName: 'incident.status.name' };
      const res = await send('PUT', `${installed(t)}/${id}`, {
        ...got,
        inboundConfig: { ...got.inboundConfig, mapAttributes: [renamed] },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().inboundConfig.mapAttributes).toEqual([{ ...renamed, attrName: 'incident.state.name' }]);
    });

    it('a different id, integration or token is 400 saying what cannot change, and nothing changes', async () => {
      const t = (await createCustomer(gw.prisma)).id;
      const { id } = await installFull(t);
      const got = (await send('GET', `${installed(t)}/${id}`)).json();
      const before = await gw.prisma.integration.findUnique({ where: { id } });
      const cases: [Json, Json][] = [
        [{ id: 'INTG-00000000-0000-4000-8000-000000000000' }, invalid('id', `id cannot be changed: it is ${id}`)],
        [
          { integration: { id: 'JIRA' } },
          invalid('integration.id', 'integration.id cannot be changed: it is SERVICENOW'),
        ],
        [
          { integration: { id: 'SERVICENOW', name: 'Jira' } },
          invalid('integration.name', 'integration.name cannot be changed: it is ServiceNow'),
        ],
        [
          { inboundConfig: { ...got.inboundConfig, authentication: { authType: 'WEBHOOK', token: 'A'.repeat(32) } } },
          invalid(
            'inboundConfig.authentication.token',
            'token is read-only: send back the one Sluice made, or none (POST …/token makes a new one)',
          ),
        ],
      ];
      for (const [change, answer] of cases) {
        for (const method of ['PUT', 'POST'] as const) {
          const res = await send(method, `${installed(t)}/${id}`, { ...got, displayName: 'changed', ...change });
          expect([res.statusCode, res.json()]).toEqual([400, answer]);
        }
      }
      expect(await gw.prisma.integration.findUnique({ where: { id } })).toEqual(before);
    });

    it('on install, integration.name must be the one Sluice gives it', async () => {
      const t = (await createCustomer(gw.prisma)).id;
      const ok = await send('POST', installed(t), { integration: { id: 'JIRA', name: 'Jira Service Management' } });
      expect(ok.statusCode).toBe(201);
      const res = await send('POST', installed(t), { integration: { id: 'CUSTOM', name: 'Mine' } });
      expect([res.statusCode, res.json()]).toEqual([
        400,
        invalid('integration.name', 'integration.name cannot be changed: it is Custom'),
      ]);
    });
  });

  // ------------------------------------------------------------------ topology tombstones

  describe('the graph after deleted: true', () => {
    interface Graph {
      nodes: { id: string }[];
      edges: { source: string; target: string; type: string }[];
    }
    const edges = (g: Graph) => g.edges.map((e) => `${e.source} -${e.type}-> ${e.target}`).sort();
    const nodes = (g: Graph) => g.nodes.map((n) => n.id).sort();
    const T1 = '2024-05-01T12:00:00Z';
    const T2 = '2024-05-01T13:00:00Z';
    const T3 = '2024-05-01T14:00:00Z';

    it('drops every edge that touches a tombstoned entity or service, and shows them again when it is revived', async () => {
      const customer = (await createCustomer(gw.prisma)).id;
      const { auth } = await apiUser(gw, [customer]);
      const publish = async (route: 'entity' | 'service', payload: object[]) => {
        const res = await gw.inject({ method: 'POST', url: `/publish/${route}`, headers: auth, payload });
        expect(res.statusCode).toBe(200);
      };
      const graph = async (): Promise<Graph> =>
        (
          await gw.inject({ method: 'GET', url: `/api/v1/topology/graph?customerid=${customer}`, headers: auth })
        ).json();
      const graphWhen = async (ready: (g: Graph) => boolean) => {
        await drained(gw, QueueName.EntityTopology, QueueName.ServiceTopology);
        const g = await graph();
        expect({ ready: ready(g), graph: g }).toEqual({ ready: true, graph: g });
        return g;
      };

      await publish('entity', [
        entity(customer, {
          entityid: 'app-7',
          timestamp: T1,
          relations: [{ targetentityid: 'host-1', relationtype: 'runs_on' }],
        }),
        entity(customer, {
          entityid: 'host-1',
          timestamp: T1,
          relations: [{ targetentityid: 'lb-1', relationtype: 'fronted_by' }],
        }),
        entity(customer, {
          entityid: 'mon-1',
          timestamp: T1,
          relations: [{ targetentityid: 'app-7', relationtype: 'watches' }],
        }),
        entity(customer, {
          entityid: 'db-2',
          timestamp: T1,
          relations: [{ targetentityid: 'app-7', relationtype: 'serves' }],
        }),
      ]);
      await publish('service', [
        service(customer, {
          serviceid: 'svc-billing',
          timestamp: T1,
          entities: ['app-7', 'db-2'],
          dependson: ['svc-auth'],
        }),
        service(customer, { serviceid: 'svc-auth', timestamp: T1, entities: ['host-1'] }),
        service(customer, { serviceid: 'svc-front', timestamp: T1, entities: [], dependson: ['svc-billing'] }),
      ]);
      const all = [
        'app-7 -runs_on-> host-1',
        'db-2 -serves-> app-7',
        'host-1 -fronted_by-> lb-1', // an end that was never published is not a tombstone
        'mon-1 -watches-> app-7',
        'svc-auth -contains-> host-1',
        'svc-billing -contains-> app-7',
        'svc-billing -contains-> db-2',
        'svc-billing -depends_on-> svc-auth',
        'svc-front -depends_on-> svc-billing',
      ];
      expect(edges(await graphWhen((g) => g.edges.length === all.length))).toEqual(all);

      await publish('entity', [entity(customer, { entityid: 'app-7', timestamp: T2, deleted: true })]);
      let g = await graphWhen((x) => !nodes(x).includes('app-7'));
      expect(edges(g)).toEqual([
        'host-1 -fronted_by-> lb-1',
        'svc-auth -contains-> host-1',
        'svc-billing -contains-> db-2',
        'svc-billing -depends_on-> svc-auth',
        'svc-front -depends_on-> svc-billing',
      ]);

      await publish('service', [service(customer, { serviceid: 'svc-billing', timestamp: T2, deleted: true })]);
      g = await graphWhen((x) => !nodes(x).includes('svc-billing'));
      expect(edges(g)).toEqual(['host-1 -fronted_by-> lb-1', 'svc-auth -contains-> host-1']);

      // A newer record revives app-7: the other entities' relations to it show again; the
      // deleted service's memberships went with it.
      await publish('entity', [entity(customer, { entityid: 'app-7', timestamp: T3, relations: [] })]);
      g = await graphWhen((x) => nodes(x).includes('app-7'));
      expect(edges(g)).toEqual([
        'db-2 -serves-> app-7',
        'host-1 -fronted_by-> lb-1',
        'mon-1 -watches-> app-7',
        'svc-auth -contains-> host-1',
      ]);
    });
  });

  // ------------------------------------------------------------------ one ticket, one alert

  describe('one ticket, one alert per customer', () => {
    async function twoAlerts() {
      const customer = (await createCustomer(gw.prisma)).id;
      const user = await apiUser(gw, [customer]);
      const res = await gw.inject({
        method: 'POST',
        url: '/publish/allevents',
        headers: user.auth,
        payload: [
          event(customer, { entityid: 'host-a', severity: 'warning' }),
          event(customer, { entityid: 'host-b', severity: 'warning' }),
        ],
      });
      expect(res.statusCode).toBe(200);
      await drained(gw, QueueName.Events);
      const alerts = await gw.prisma.alert.findMany({
        where: { envcustomerid: customer },
        orderBy: { entityid: 'asc' },
      });
      expect(alerts).toHaveLength(2);
      return { customer, auth: user.auth, ids: alerts.map((a) => a.id) };
    }

    it('8 concurrent PUT /alerts/{a1|a2}/ticket with one sysid: one alert holds it, every other answer is 409 naming that alert', async () => {
      const { customer, auth, ids } = await twoAlerts();
      const sysid = uniqueId('sys');
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          gw.inject({ method: 'PUT', url: `/api/v1/alerts/${ids[i % 2]}/ticket`, headers: auth, payload: { sysid } }),
        ),
      );
      const holders = await gw.prisma.alert.findMany({
        where: { envcustomerid: customer, ticketSysid: sysid },
        select: { id: true },
      });
      expect(holders).toHaveLength(1);
      const holder = holders[0].id;
      const urls = answers.map((_, i) => ids[i % 2]);
      answers.forEach((res, i) => {
        if (urls[i] === holder) expect([res.statusCode, res.json().ticket]).toEqual([200, { sysid, number: null }]);
        else
          expect([res.statusCode, res.json()]).toEqual([
            409,
            { message: `Ticket ${sysid} is already linked to alert ${holder}` },
          ]);
      });
      expect(answers.filter((r) => r.statusCode === 409)).toHaveLength(4);
    });

    it('the database refuses a second alert with the ticket (alerts_customer_ticket_key)', async () => {
      const { ids } = await twoAlerts();
      await gw.prisma.alert.update({ where: { id: ids[0] }, data: { ticketSysid: 'db-level' } });
      await expect(
        gw.prisma.alert.update({ where: { id: ids[1] }, data: { ticketSysid: 'db-level' } }),
      ).rejects.toMatchObject({ code: 'P2002' });
    });

    it('the migration unlinks earlier duplicates: the alert linked last keeps the ticket, the others say where it went', async () => {
      const url = new URL(process.env.DATABASE_URL!);
      const name = `${url.pathname.slice(1)}_ticket_migration`;
      url.pathname = `/${name}`;
      const dir = await mkdtemp(join(tmpdir(), 'sluice-migrations-'));
      const client = new Client({ connectionString: url.toString() });
      try {
        await cp(defaultMigrationsDir(), dir, {
          recursive: true,
          filter: (src) => !src.includes('20261201000000_one_alert_per_ticket'),
        });
        await ensureDatabase(url.toString());
        await migrate(url.toString(), dir);
        await client.connect();
        const alert = async (entityid: string, sysid: string | null) =>
          (
            await client.query<{ id: string }>(
              `INSERT INTO alerts (envcustomerid, entityid, entity, parameterid, parametername, severity, state, count, firstoccurrence, lastoccurrence, ticket_sysid)
               VALUES ('c1', $1, $1, 'cpu', 'cpu', 5, 'OPEN', 1, now(), now(), $2) RETURNING id`,
              [entityid, sysid],
            )
          ).rows[0].id;
        const linked = (id: string) =>
          client.query("INSERT INTO alert_history (alert_id, kind, note) VALUES ($1, 'ticket', 'linked ticket S')", [
            id,
          ]);
        const [first, last, never, other] = [
          await alert('h1', 'S'),
          await alert('h2', 'S'),
          await alert('h3', 'S'),
          await alert('h4', 'T'),
        ];
        await linked(first);
        await linked(last);

        await migrate(url.toString(), defaultMigrationsDir());
        const rows = await client.query<{ id: string; ticket_sysid: string | null }>(
          'SELECT id, ticket_sysid FROM alerts',
        );
        expect(Object.fromEntries(rows.rows.map((r) => [r.id, r.ticket_sysid]))).toEqual({
          [first]: null,
          [last]: 'S',
          [never]: null,
          [other]: 'T',
        });
        const notes = await client.query<{ alert_id: string; note: string }>(
          "SELECT alert_id, note FROM alert_history WHERE source = 'migration' ORDER BY alert_id",
        );
        expect(notes.rows).toEqual(
          [first, never]
            .sort()
            .map((id) => ({ alert_id: id, note: `unlinked ticket S: it is linked to alert ${last}` })),
        );
        await expect(
          client.query('UPDATE alerts SET ticket_sysid = $1 WHERE id = $2', ['S', first]),
        ).rejects.toMatchObject({ code: '23505' });
      } finally {
        await client.end().catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
        const admin = new Client({
          connectionString: Object.assign(new URL(url.toString()), { pathname: '/postgres' }).toString(),
        });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.end();
      }
    });
  });

  // ------------------------------------------------------------------ the worker and its ITSM

  interface Tenant {
    customer: string;
    auth: Record<string, string>;
    integrationId: string;
    mock: MockItsm;
  }

  async function tenantWith(mockOptions: MockItsmOptions, notifier: (mock: MockItsm) => Json): Promise<Tenant> {
    const mock = await startMockItsm(mockOptions);
    mocks.push(mock);
    const customer = (await createCustomer(gw.prisma)).id;
    const user = await apiUser(gw, [customer]);
    const res = await send('POST', installed(customer), {
      integration: { id: 'SERVICENOW' },
      outboundConfig: { baseNotifier: { type: 'REST_API', baseURI: mock.url, ...notifier(mock) } },
    });
    expect(res.statusCode).toBe(201);
    return { customer, auth: user.auth, integrationId: res.json().id, mock };
  }

  /** A critical event on an entity of its own: the alert it opened. */
  async function raise(t: Tenant): Promise<string> {
    const entityid = uniqueId('host');
    const res = await gw.inject({
      method: 'POST',
      url: '/publish/allevents',
      headers: t.auth,
      payload: [event(t.customer, { entityid })],
    });
    expect(res.statusCode).toBe(200);
    await drained(gw, QueueName.Events);
    const alert = await gw.prisma.alert.findFirst({
      where: { envcustomerid: t.customer, entityid },
      select: { id: true },
    });
    expect(alert).not.toBeNull();
    return alert!.id;
  }

  const getAlert = async (t: Tenant, id: string): Promise<Json> =>
    (await gw.inject({ method: 'GET', url: `/api/v1/alerts/${id}`, headers: t.auth })).json();
  const historyOf = (a: Json, kind: string) => (a.history as Json[]).filter((h) => h.kind === kind);
  const notificationsDrained = () => drained(gw, QueueName.Notifications);
  const failedNotifications = async (): Promise<Json[]> =>
    (await send('GET', '/api/v1/admin/jobs/failed?queue=notifications&itemsPerPage=500')).json().results;

  describe('the notifier opening a ticket another alert holds', () => {
    it('keeps the link where it is, says so on the new alert, and ends the job without opening more tickets', async () => {
      const t = await tenantWith({ auth: { scheme: 'NONE' } }, () => ({ authType: 'NONE' }));
      const first = await raise(t);
      const linked = await eventually(
        () => getAlert(t, first),
        (a) => a.ticket !== null,
      );
      // An ITSM that answers a new incident with an existing one (deduplicating, say).
      t.mock.failNext('create', 1, {
        status: 201,
        body: { result: { sys_id: linked.ticket.sysid, number: 'INC0099999' } },
      });
      const second = await raise(t);
      const a = await eventually(
        () => getAlert(t, second),
        (x) => historyOf(x, 'notifyError').length > 0,
      );
      await notificationsDrained();
      await new Promise((r) => setTimeout(r, 300)); // past the first retry (100 ms), had there been one
      expect(a.ticket).toBeNull();
      expect(historyOf(a, 'notifyError').map((h) => [h.source, h.note])).toEqual([
        [`notifier:${t.integrationId}`, `opened ticket INC0099999, not linked: it is linked to alert ${first}`],
      ]);
      expect(t.mock.calls('create')).toHaveLength(2);
      expect((await getAlert(t, first)).ticket).toEqual(linked.ticket);
      expect((await failedNotifications()).filter((j) => j.id.includes(second))).toEqual([]);
    });
  });

  describe('an ITSM that echoes the request in its error', () => {
    const secret = (label: string) => `${label}-${randomBytes(6).toString('hex')} @&+/"x"`;
    const basicOf = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
    const json = (s: string) => JSON.stringify(s).slice(1, -1);
    const spellings = (s: string) =>
      [s, encodeURIComponent(s), new URLSearchParams({ v: s }).toString().slice(2)].flatMap((v) => [
        v,
        json(v),
        json(json(v)),
      ]);

    /** The notifyError note of the alert, once the job failed for good; and the failed job's reason. */
    async function failureOf(t: Tenant, alertId: string) {
      const a = await eventually(
        () => getAlert(t, alertId),
        (x) => historyOf(x, 'notifyError').length > 0,
      );
      await notificationsDrained();
      const [row] = historyOf(a, 'notifyError');
      const job = (await failedNotifications()).find((j) => j.failedReason.includes(t.mock.url));
      return { note: row.note as string, reason: job?.failedReason as string };
    }

    function expectRedacted(text: string, echoed: string, secrets: string[]) {
      for (const s of secrets) {
        // What the ITSM answered did carry it (in some spelling) …
        expect({ s, echoed: spellings(s).some((v) => echoed.includes(v)) }).toEqual({ s, echoed: true });
        // … and none of it is in what Sluice kept.
        for (const v of spellings(s)) expect({ v, kept: text.includes(v) }).toEqual({ v, kept: false });
      }
      expect(text).toContain('****');
    }

    it('OAuth2 token request echoed in a 400: password, client secret and their Basic header are ****', async () => {
      const apiSecret = secret('client-secret');
      const password = secret('itsm-password');
      const t = await tenantWith(
        {
          auth: { scheme: 'OAUTH2' },
          oauth: { clientId: 'client-1', clientSecret: apiSecret, username: 'tim', password },
        },
        (m) => ({
          authType: 'OAUTH2',
          grantType: 'PASSWORD',
          apiKey: 'client-1',
          apiSecret,
          userName: 'tim',
          password,
          accessTokenURL: `${m.url}/api/oauth/token`,
        }),
      );
      t.mock.failNext('oauth-token', 1, { status: 400, echo: true });
      const alertId = await raise(t);
      const { note, reason } = await failureOf(t, alertId);
      const echoed = JSON.stringify(t.mock.calls('oauth-token')[0].response);
      expect(note).toBe(
        `open ticket failed: POST ${t.mock.url}/api/oauth/token answered 400: ` +
          '{"error":{"message":"Request rejected","request":{"headers":{"authorization":"****"},"body":"grant_type=password&username=tim&password=****"}},"status":"failure"}',
      );
      expect(reason).toBe(note.slice('open ticket failed: '.length));
      for (const text of [note, reason]) expectRedacted(text, echoed, [password, basicOf('client-1', apiSecret)]);
    });

    it('a Table API call echoed in a 422: the access token Sluice was given is ****', async () => {
      const apiSecret = secret('client-secret');
      const t = await tenantWith(
        { auth: { scheme: 'OAUTH2' }, oauth: { clientId: 'client-2', clientSecret: apiSecret } },
        (m) => ({
          authType: 'OAUTH2',
          grantType: 'CLIENT_CREDENTIALS',
          apiKey: 'client-2',
          apiSecret,
          accessTokenURL: `${m.url}/api/oauth/token`,
        }),
      );
      t.mock.failNext('create', 1, { status: 422, echo: true });
      const alertId = await raise(t);
      const { note, reason } = await failureOf(t, alertId);
      const echoed = JSON.stringify(t.mock.calls('create')[0].response);
      for (const text of [note, reason]) expectRedacted(text, echoed, [t.mock.issued[0].accessToken]);
    });

    it('a BASIC resource call echoed in a 400: the password and its Basic header are ****', async () => {
      const password = secret('basic-password');
      const t = await tenantWith({ auth: { scheme: 'BASIC', userName: 'svc', password } }, () => ({
        authType: 'BASIC',
        userName: 'svc',
        password,
      }));
      t.mock.failNext('create', 1, { status: 400, echo: true });
      const alertId = await raise(t);
      const { note, reason } = await failureOf(t, alertId);
      const echoed = JSON.stringify(t.mock.calls('create')[0].response);
      for (const text of [note, reason]) expectRedacted(text, echoed, [basicOf('svc', password)]);
    });

    it('a JWT login echoed in a 403: the token payload and token headers are ****', async () => {
      const apiToken = secret('jwt-api-token');
      const headerKey = secret('jwt-header');
      const t = await tenantWith({ auth: { scheme: 'JWT' }, jwt: {} }, (m) => ({
        authType: 'JWT',
        tokenURL: `${m.url}/auth/login`,
        tokenPayload: { user: 'svc', apiToken },
        tokenHeaders: [{ key: 'X-Api-Key', value: headerKey }],
        tokensPath: [{ key: 'jwt', value: 'rest_access.access_key' }],
        resourceAuthHeaders: [{ key: 'Authorization', value: 'Bearer $jwt' }],
      }));
      t.mock.failNext('jwt-token', 1, { status: 403, echo: true });
      const alertId = await raise(t);
      const { note, reason } = await failureOf(t, alertId);
      const echoed = JSON.stringify(t.mock.calls('jwt-token')[0].response);
      for (const text of [note, reason]) expectRedacted(text, echoed, [apiToken, headerKey]);
    });
  });
});
