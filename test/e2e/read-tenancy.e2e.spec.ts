import type { INestApplicationContext } from '@nestjs/common';

import {
  apiUser,
  createCustomer,
  createUser,
  entity,
  event,
  heartbeat,
  login,
  metric,
  service,
  uniqueId,
} from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { drained, PUBLISH_QUEUES } from '../helpers/queues';
import type { Json } from '../helpers/tenant';
import { startWorker } from '../helpers/worker';

/**
 * Spec §5 / §6: every read route is scoped to the customers the caller is mapped to (all of them
 * for a superadmin), another customer's data is a 403, lists never leak foreign rows, and lists
 * page with pageNum / itemsPerPage.
 *
 * Three customers hold data of all five kinds. The same entity id and metric parameter are used in
 * every customer on purpose (with different values and names), so that a read which forgot the
 * customer filter shows up as foreign rows, wrong aggregates or extra graph nodes.
 */

type Headers = Record<string, string>;
type Cust = 'A' | 'B' | 'C';
type ListRoute = 'alerts' | 'events' | 'metrics' | 'adapters';

const LIST_ROUTES: ListRoute[] = ['alerts', 'events', 'metrics', 'adapters'];
const ACCESS_DENIED = { message: 'Access denied' };
const MISSING_TOKEN = { message: 'Missing access token' };
const SERIES_QUERY =
  'entityid=host-1&parameterid=cpu.utilization&from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z&step=3600';

/** What identifies a row of each list, with its customer: the unit the tenancy checks compare. */
const rowKey: Record<ListRoute, (r: Json) => string> = {
  alerts: (r) => `${r.envcustomerid}/${r.entityid}/${r.parametercategory}`,
  events: (r) => `${r.envcustomerid}/${r.ieventid}`,
  metrics: (r) => `${r.envcustomerid}/${r.entityid}/${new Date(r.timestamp).toISOString()}/${r.value}`,
  adapters: (r) => `${r.envcustomerid}/${r.adapterid}`,
};

describe('read API: tenant isolation, authentication and paging (spec §5, §6)', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;
  const cust = {} as Record<Cust, string>;
  /** The keys (rowKey) of each customer's rows in each list, in the order the list returns them. */
  const expected = {} as Record<ListRoute, Record<Cust, string[]>>;
  const alertId = {} as Record<Cust, string>;
  let userA: Headers;
  let uiA: Headers;
  let userAB: Headers;
  let superadmin: Headers;
  let userNone: Headers;

  const get = (url: string, headers: Headers = {}) => gw.inject({ method: 'GET', url, headers });
  const putTicket = (id: string, headers: Headers, payload: object = { sysid: 'sys-123', number: 'INC0010001' }) =>
    gw.inject({ method: 'PUT', url: `/api/v1/alerts/${id}/ticket`, headers, payload });
  const ok = async (url: string, headers: Headers) => {
    const res = await get(url, headers);
    expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
    return res.json();
  };
  const listUrl = (route: ListRoute, query = '') => `/api/v1/${route}${query ? `?${query}` : ''}`;
  /** Every customer-taking route, with `customerid` as given. */
  const customerUrls = (customerid: string) => [
    ...LIST_ROUTES.map((r) => listUrl(r, `customerid=${customerid}`)),
    `/api/v1/metrics/series?customerid=${customerid}&${SERIES_QUERY}`,
    `/api/v1/topology/graph?customerid=${customerid}`,
  ];
  /** Reads every page of a list (500 rows a page), checking that totalCount stays consistent. */
  const readAll = async (route: ListRoute, headers: Headers) => {
    const rows: Json[] = [];
    const first = await ok(listUrl(route, 'itemsPerPage=500'), headers);
    rows.push(...first.results);
    for (let page = 2; rows.length < first.totalCount; page++) {
      const next = await ok(listUrl(route, `itemsPerPage=500&pageNum=${page}`), headers);
      if (next.results.length === 0) break;
      rows.push(...next.results);
    }
    expect(rows.length).toBe(first.totalCount);
    return { rows, totalCount: first.totalCount as number };
  };
  const alertRow = (c: Cust) =>
    gw.prisma.alert.findUniqueOrThrow({ where: { id: alertId[c] }, include: { history: true } });

  beforeAll(async () => {
    gw = await startGateway();
    worker = await startWorker(gw.redisPrefix);
    for (const c of ['A', 'B', 'C'] as Cust[])
      cust[c] = (await createCustomer(gw.prisma, { id: uniqueId(`ten${c}`) })).id;
    const { A, B, C } = cust;

    userA = (await apiUser(gw, [A])).auth;
    userAB = (await apiUser(gw, [A, B])).auth;
    superadmin = (await apiUser(gw, [], { isSuperadmin: true })).auth;
    userNone = (await apiUser(gw, [])).auth;
    const ui = await createUser(gw.prisma, { type: 'UI', customers: [A] });
    uiA = { cookie: `access_token=${(await login(gw, ui.email)).accessToken}` };
    const publisherC = (await apiUser(gw, [C])).auth;

    const now = new Date().toISOString();
    const data: Record<Cust, { events: Json[]; metrics: Json[]; entity: Json; service: Json; heartbeats: Json[] }> = {
      A: {
        events: [
          event(A, {
            ieventid: 'a-e1',
            entityid: 'host-1',
            parametercategory: 'cpu',
            severity: 'critical',
            firstoccurrence: '2024-05-01T12:00:00Z',
          }),
          event(A, {
            ieventid: 'a-e2',
            entityid: 'host-1',
            parametercategory: 'memory',
            parametername: 'mem.used',
            severity: 'major',
            firstoccurrence: '2024-05-01T12:10:00Z',
          }),
        ],
        metrics: [
          metric(A, { entityid: 'host-1', value: 10, timestamp: '2024-05-01T12:00:00Z' }),
          metric(A, { entityid: 'host-1', value: 20, timestamp: '2024-05-01T12:30:00Z' }),
        ],
        entity: entity(A, {
          entityid: 'app-1',
          entity: 'A billing',
          relations: [{ targetentityid: 'host-1', relationtype: 'runs_on' }],
        }),
        service: service(A, { serviceid: 'svc-1', service: 'A service', entities: ['app-1'] }),
        heartbeats: [
          heartbeat(A, {
            adapterid: 'adapter-1',
            adaptername: 'A flow 1',
            status: 'UP',
            timestamp: now,
            interval: 3600,
          }),
          heartbeat(A, {
            adapterid: 'adapter-2',
            adaptername: 'A flow 2',
            status: 'UP',
            timestamp: now,
            interval: 3600,
          }),
        ],
      },
      B: {
        events: [
          event(B, {
            ieventid: 'b-e1',
            entityid: 'host-1',
            parametercategory: 'cpu',
            severity: 'critical',
            firstoccurrence: '2024-05-01T12:20:00Z',
          }),
        ],
        metrics: [metric(B, { entityid: 'host-1', value: 1000, timestamp: '2024-05-01T12:15:00Z' })],
        entity: entity(B, {
          entityid: 'app-1',
          entity: 'B billing',
          relations: [{ targetentityid: 'db-9', relationtype: 'uses' }],
        }),
        service: service(B, { serviceid: 'svc-1', service: 'B service', entities: ['app-1', 'db-9'] }),
        heartbeats: [
          heartbeat(B, { adapterid: 'adapter-1', adaptername: 'B flow', status: 'UP', timestamp: now, interval: 3600 }),
        ],
      },
      C: {
        events: [
          event(C, {
            ieventid: 'c-e1',
            entityid: 'host-1',
            parametercategory: 'disk',
            severity: 'minor',
            firstoccurrence: '2024-05-01T12:05:00Z',
          }),
        ],
        metrics: [metric(C, { entityid: 'host-1', value: 5000, timestamp: '2024-05-01T12:45:00Z' })],
        entity: entity(C, {
          entityid: 'app-1',
          entity: 'C billing',
          relations: [{ targetentityid: 'host-1', relationtype: 'runs_on' }],
        }),
        service: service(C, { serviceid: 'svc-9', service: 'C service', entities: ['app-1'] }),
        heartbeats: [
          heartbeat(C, { adapterid: 'adapter-9', adaptername: 'C flow', status: 'UP', timestamp: now, interval: 3600 }),
        ],
      },
    };
    const publisher: Record<Cust, Headers> = { A: userA, B: userAB, C: publisherC };
    for (const c of ['A', 'B', 'C'] as Cust[]) {
      const d = data[c];
      for (const [route, payload] of [
        ['allevents', d.events],
        ['metrics', d.metrics],
        ['entity', d.entity],
        ['service', d.service],
        ['healthcheck', d.heartbeats],
      ] as const) {
        const res = await gw.inject({ method: 'POST', url: `/publish/${route}`, headers: publisher[c], payload });
        expect({ c, route, status: res.statusCode, body: res.json() }).toMatchObject({ c, route, status: 200 });
      }
    }

    // Wait until the worker has persisted everything of every customer.
    const ids = Object.values(cust);
    const counts = async () => ({
      alerts: await gw.prisma.alert.count({ where: { envcustomerid: { in: ids } } }),
      events: await gw.prisma.event.count({ where: { envcustomerid: { in: ids } } }),
      metrics: await gw.prisma.metricSample.count({ where: { envcustomerid: { in: ids } } }),
      entities: await gw.prisma.topologyEntity.count({ where: { envcustomerid: { in: ids } } }),
      services: await gw.prisma.topologyService.count({ where: { envcustomerid: { in: ids } } }),
      relations: await gw.prisma.entityRelation.count({ where: { envcustomerid: { in: ids } } }),
      members: await gw.prisma.serviceMember.count({ where: { envcustomerid: { in: ids } } }),
      adapters: await gw.prisma.adapter.count({ where: { envcustomerid: { in: ids } } }),
    });
    const want = { alerts: 4, events: 4, metrics: 4, entities: 3, services: 3, relations: 3, members: 4, adapters: 4 };
    await drained(gw, ...PUBLISH_QUEUES);
    expect(await counts()).toEqual(want);

    expected.alerts = {
      A: [`${A}/host-1/memory`, `${A}/host-1/cpu`], // newest lastoccurrence first
      B: [`${B}/host-1/cpu`],
      C: [`${C}/host-1/disk`],
    };
    expected.events = { A: [`${A}/a-e2`, `${A}/a-e1`], B: [`${B}/b-e1`], C: [`${C}/c-e1`] };
    expected.metrics = {
      A: [`${A}/host-1/2024-05-01T12:00:00.000Z/10`, `${A}/host-1/2024-05-01T12:30:00.000Z/20`], // oldest first
      B: [`${B}/host-1/2024-05-01T12:15:00.000Z/1000`],
      C: [`${C}/host-1/2024-05-01T12:45:00.000Z/5000`],
    };
    expected.adapters = { A: [`${A}/adapter-1`, `${A}/adapter-2`], B: [`${B}/adapter-1`], C: [`${C}/adapter-9`] };

    for (const c of ['A', 'B', 'C'] as Cust[]) {
      const category = c === 'C' ? 'disk' : 'cpu';
      alertId[c] = (
        await gw.prisma.alert.findFirstOrThrow({ where: { envcustomerid: cust[c], parametercategory: category } })
      ).id;
    }
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await gw?.close();
  });

  describe('API user mapped to A', () => {
    it.each(LIST_ROUTES)('GET /api/v1/%s without customerid lists exactly A rows, with A totalCount', async (route) => {
      const body = await ok(listUrl(route), userA);
      expect(body.results.map((r: Json) => r.envcustomerid).every((id: string) => id === cust.A)).toBe(true);
      expect(body.results.map(rowKey[route])).toEqual(expected[route].A);
      expect(body.totalCount).toBe(expected[route].A.length);
    });

    it.each(LIST_ROUTES)('GET /api/v1/%s?customerid=A lists exactly A rows', async (route) => {
      const body = await ok(listUrl(route, `customerid=${cust.A}`), userA);
      expect(body.results.map(rowKey[route])).toEqual(expected[route].A);
      expect(body.totalCount).toBe(expected[route].A.length);
    });

    it('every customer route answers 403 Access denied for customerid=B, for C, and for an unknown customer', async () => {
      for (const other of [cust.B, cust.C, uniqueId('no-such-customer')]) {
        for (const url of customerUrls(other)) {
          const res = await get(url, userA);
          expect({ url, status: res.statusCode, body: res.json() }).toEqual({ url, status: 403, body: ACCESS_DENIED });
        }
      }
    });

    it("alerts filters (state, entityid, minseverity) never widen the scope beyond A's rows", async () => {
      const body = await ok(listUrl('alerts', 'state=OPEN&entityid=host-1&minseverity=0'), userA);
      expect(body.results.map(rowKey.alerts)).toEqual(expected.alerts.A);
      expect(body.totalCount).toBe(2);
      const events = await ok(listUrl('events', 'entityid=host-1'), userA);
      expect(events.results.map(rowKey.events)).toEqual(expected.events.A);
      const metrics = await ok(listUrl('metrics', 'entityid=host-1&parameterid=cpu.utilization'), userA);
      expect(metrics.results.map(rowKey.metrics)).toEqual(expected.metrics.A);
      expect(metrics.totalCount).toBe(2);
    });

    it("metrics/series of A aggregates A's samples only (same entity and parameter exist in B and C)", async () => {
      expect(await ok(`/api/v1/metrics/series?customerid=${cust.A}&${SERIES_QUERY}&agg=sum`, userA)).toEqual({
        points: [{ t: '2024-05-01T12:00:00.000Z', value: 30 }],
      });
      expect(await ok(`/api/v1/metrics/series?customerid=${cust.A}&${SERIES_QUERY}&agg=count`, userA)).toEqual({
        points: [{ t: '2024-05-01T12:00:00.000Z', value: 2 }],
      });
      expect(await ok(`/api/v1/metrics/series?customerid=${cust.A}&${SERIES_QUERY}&agg=max`, userA)).toEqual({
        points: [{ t: '2024-05-01T12:00:00.000Z', value: 20 }],
      });
    });

    it("topology/graph of A has A's nodes and edges only (B and C use the same ids)", async () => {
      const graph = await ok(`/api/v1/topology/graph?customerid=${cust.A}`, userA);
      expect(graph.nodes.map((n: Json) => ({ id: n.id, name: n.name, kind: n.kind }))).toEqual([
        { id: 'app-1', name: 'A billing', kind: 'entity' },
        { id: 'svc-1', name: 'A service', kind: 'service' },
      ]);
      expect(graph.edges).toEqual([
        { source: 'app-1', target: 'host-1', type: 'runs_on' },
        { source: 'svc-1', target: 'app-1', type: 'contains' },
      ]);
    });

    it("GET /api/v1/alerts/{id} answers A's alert with its history", async () => {
      const alert = await ok(`/api/v1/alerts/${alertId.A}`, userA);
      expect(alert).toMatchObject({
        id: alertId.A,
        envcustomerid: cust.A,
        entityid: 'host-1',
        parametercategory: 'cpu',
        severity: 5,
        state: 'OPEN',
        ticket: null,
      });
      expect(alert.history.map((h: Json) => h.kind)).toEqual(['opened']);
    });

    it("GET /api/v1/alerts/{id} of B's and C's alerts is 403 Access denied", async () => {
      for (const c of ['B', 'C'] as Cust[]) {
        const res = await get(`/api/v1/alerts/${alertId[c]}`, userA);
        expect({ c, status: res.statusCode, body: res.json() }).toEqual({ c, status: 403, body: ACCESS_DENIED });
      }
    });

    it("PUT /api/v1/alerts/{id}/ticket on B's alert is 403 and leaves the alert unchanged", async () => {
      const before = await alertRow('B');
      const res = await putTicket(alertId.B, userA);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual(ACCESS_DENIED);
      const after = await alertRow('B');
      expect(after).toEqual(before);
      expect(after.ticketSysid).toBeNull();
      expect(after.history.some((h) => h.kind === 'ticket')).toBe(false);
    });
  });

  describe('UI user mapped to A (cookie)', () => {
    it.each(LIST_ROUTES)('GET /api/v1/%s lists exactly A rows', async (route) => {
      const body = await ok(listUrl(route), uiA);
      expect(body.results.map(rowKey[route])).toEqual(expected[route].A);
      expect(body.totalCount).toBe(expected[route].A.length);
    });

    it('reads metrics/series, topology/graph and alert detail of A, and gets 403 for B', async () => {
      expect((await ok(`/api/v1/metrics/series?customerid=${cust.A}&${SERIES_QUERY}&agg=sum`, uiA)).points).toEqual([
        { t: '2024-05-01T12:00:00.000Z', value: 30 },
      ]);
      expect((await ok(`/api/v1/topology/graph?customerid=${cust.A}`, uiA)).nodes).toHaveLength(2);
      expect((await ok(`/api/v1/alerts/${alertId.A}`, uiA)).id).toBe(alertId.A);
      for (const url of [...customerUrls(cust.B), `/api/v1/alerts/${alertId.B}`]) {
        const res = await get(url, uiA);
        expect({ url, status: res.statusCode, body: res.json() }).toEqual({ url, status: 403, body: ACCESS_DENIED });
      }
    });

    it("PUT /api/v1/alerts/{id}/ticket on A's own alert is 403 (UI users may not link tickets) and changes nothing", async () => {
      const before = await alertRow('A');
      const res = await putTicket(alertId.A, uiA);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual(ACCESS_DENIED);
      expect(await alertRow('A')).toEqual(before);
      expect(before.ticketSysid).toBeNull();
    });
  });

  describe('API user mapped to A and B', () => {
    it.each(LIST_ROUTES)(
      'GET /api/v1/%s without customerid lists exactly A and B rows, totalCount A+B',
      async (route) => {
        const body = await ok(listUrl(route), userAB);
        expect(body.results.map(rowKey[route]).sort()).toEqual([...expected[route].A, ...expected[route].B].sort());
        expect(body.results.some((r: Json) => r.envcustomerid === cust.C)).toBe(false);
        expect(body.totalCount).toBe(expected[route].A.length + expected[route].B.length);
      },
    );

    it.each(LIST_ROUTES)('GET /api/v1/%s?customerid=B lists exactly B rows', async (route) => {
      const body = await ok(listUrl(route, `customerid=${cust.B}`), userAB);
      expect(body.results.map(rowKey[route])).toEqual(expected[route].B);
      expect(body.totalCount).toBe(expected[route].B.length);
    });

    it('alerts are ordered newest lastoccurrence first across both customers', async () => {
      const body = await ok(listUrl('alerts'), userAB);
      expect(body.results.map(rowKey.alerts)).toEqual([expected.alerts.B[0], ...expected.alerts.A]);
    });

    it('reads series, graph and alert detail of B; C is 403 everywhere', async () => {
      expect((await ok(`/api/v1/metrics/series?customerid=${cust.B}&${SERIES_QUERY}&agg=sum`, userAB)).points).toEqual([
        { t: '2024-05-01T12:00:00.000Z', value: 1000 },
      ]);
      const graph = await ok(`/api/v1/topology/graph?customerid=${cust.B}`, userAB);
      expect(graph.nodes.map((n: Json) => n.name)).toEqual(['B billing', 'B service']);
      expect((await ok(`/api/v1/alerts/${alertId.B}`, userAB)).envcustomerid).toBe(cust.B);
      for (const url of [...customerUrls(cust.C), `/api/v1/alerts/${alertId.C}`]) {
        const res = await get(url, userAB);
        expect({ url, status: res.statusCode, body: res.json() }).toEqual({ url, status: 403, body: ACCESS_DENIED });
      }
      const res = await putTicket(alertId.C, userAB);
      expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 403, body: ACCESS_DENIED });
      expect((await alertRow('C')).ticketSysid).toBeNull();
    });
  });

  describe('superadmin mapped to no customer', () => {
    it.each(LIST_ROUTES)('GET /api/v1/%s without customerid includes the rows of A, B and C', async (route) => {
      const { rows, totalCount } = await readAll(route, superadmin);
      const ours = new Set(Object.values(cust));
      const mine = rows
        .filter((r) => ours.has(r.envcustomerid))
        .map(rowKey[route])
        .sort();
      expect(mine).toEqual([...expected[route].A, ...expected[route].B, ...expected[route].C].sort());
      expect(totalCount).toBeGreaterThanOrEqual(mine.length);
    });

    it.each(LIST_ROUTES)('GET /api/v1/%s?customerid=C lists exactly C rows', async (route) => {
      const body = await ok(listUrl(route, `customerid=${cust.C}`), superadmin);
      expect(body.results.map(rowKey[route])).toEqual(expected[route].C);
      expect(body.totalCount).toBe(expected[route].C.length);
    });

    it('reads series, graph and alert detail of every customer', async () => {
      for (const [c, sum] of [
        ['A', 30],
        ['B', 1000],
        ['C', 5000],
      ] as const) {
        const series = await ok(`/api/v1/metrics/series?customerid=${cust[c]}&${SERIES_QUERY}&agg=sum`, superadmin);
        expect({ c, points: series.points }).toEqual({ c, points: [{ t: '2024-05-01T12:00:00.000Z', value: sum }] });
        const graph = await ok(`/api/v1/topology/graph?customerid=${cust[c]}`, superadmin);
        expect(graph.nodes.map((n: Json) => n.name)).toEqual([`${c} billing`, `${c} service`]);
        expect((await ok(`/api/v1/alerts/${alertId[c]}`, superadmin)).envcustomerid).toBe(cust[c]);
      }
    });

    it('an unknown customer id is an empty list, not a 403', async () => {
      const body = await ok(listUrl('alerts', `customerid=${uniqueId('no-such-customer')}`), superadmin);
      expect(body).toEqual({ results: [], totalCount: 0 });
    });
  });

  describe('user mapped to no customer', () => {
    it.each(LIST_ROUTES)('GET /api/v1/%s is {"results": [], "totalCount": 0}', async (route) => {
      expect(await ok(listUrl(route), userNone)).toEqual({ results: [], totalCount: 0 });
      expect(await ok(listUrl(route, 'itemsPerPage=500&pageNum=1'), userNone)).toEqual({ results: [], totalCount: 0 });
    });

    it('every customer route and alert detail is 403 for A, B and C', async () => {
      for (const c of ['A', 'B', 'C'] as Cust[]) {
        for (const url of [...customerUrls(cust[c]), `/api/v1/alerts/${alertId[c]}`]) {
          const res = await get(url, userNone);
          expect({ url, status: res.statusCode, body: res.json() }).toEqual({ url, status: 403, body: ACCESS_DENIED });
        }
      }
    });

    it("PUT ticket on A's alert is 403 and changes nothing", async () => {
      const before = await alertRow('A');
      const res = await putTicket(alertId.A, userNone);
      expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 403, body: ACCESS_DENIED });
      expect(await alertRow('A')).toEqual(before);
    });
  });

  describe('authentication', () => {
    const routes = () => [
      ...LIST_ROUTES.map((r) => ({ method: 'GET' as const, url: listUrl(r) })),
      { method: 'GET' as const, url: `/api/v1/metrics/series?customerid=${cust.A}&${SERIES_QUERY}` },
      { method: 'GET' as const, url: `/api/v1/topology/graph?customerid=${cust.A}` },
      { method: 'GET' as const, url: `/api/v1/alerts/${alertId.A}` },
      { method: 'PUT' as const, url: `/api/v1/alerts/${alertId.A}/ticket`, payload: { sysid: 'sys-1' } },
    ];

    it('every read route answers 401 Missing access token without a token', async () => {
      for (const r of routes()) {
        const res = await gw.inject(r);
        expect({ url: r.url, status: res.statusCode, body: res.json() }).toEqual({
          url: r.url,
          status: 401,
          body: MISSING_TOKEN,
        });
      }
      expect((await alertRow('A')).ticketSysid).toBeNull();
    });

    it('every read route answers 401 Invalid access token for a forged token', async () => {
      for (const r of routes()) {
        const res = await gw.inject({ ...r, headers: { authorization: 'Bearer not.a.token' } });
        expect({ url: r.url, status: res.statusCode, body: res.json() }).toEqual({
          url: r.url,
          status: 401,
          body: { message: 'Invalid access token' },
        });
      }
    });

    it('authentication comes before query validation and tenancy (no token + bad query or foreign customer → 401)', async () => {
      for (const url of [
        listUrl('alerts', 'itemsPerPage=501&foo=1'),
        listUrl('events', `customerid=${cust.B}`),
        '/api/v1/topology/graph',
      ]) {
        const res = await get(url);
        expect({ url, status: res.statusCode, body: res.json() }).toEqual({ url, status: 401, body: MISSING_TOKEN });
      }
    });
  });

  describe('paging', () => {
    it.each(LIST_ROUTES)(
      'GET /api/v1/%s?itemsPerPage=501 is 400 Invalid payload naming itemsPerPage',
      async (route) => {
        const res = await get(listUrl(route, 'itemsPerPage=501'), userA);
        expect(res.statusCode).toBe(400);
        const body = res.json();
        expect(body.message).toBe('Invalid payload');
        expect(body.errors.map((e: Json) => e.field)).toEqual(['itemsPerPage']);
        expect(body.errors[0].error).toMatch(/500/);
      },
    );

    it.each(LIST_ROUTES)('GET /api/v1/%s?pageNum=0 is 400 naming pageNum', async (route) => {
      const res = await get(listUrl(route, 'pageNum=0'), userA);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ message: 'Invalid payload', errors: [{ field: 'pageNum' }] });
    });

    it.each(LIST_ROUTES)('GET /api/v1/%s rejects itemsPerPage 0, -1, 1.5, abc and empty', async (route) => {
      for (const v of ['0', '-1', '1.5', 'abc', '']) {
        const res = await get(listUrl(route, `itemsPerPage=${v}`), userA);
        expect({ v, status: res.statusCode, fields: res.json().errors?.map((e: Json) => e.field) }).toEqual({
          v,
          status: 400,
          fields: ['itemsPerPage'],
        });
      }
    });

    it.each(LIST_ROUTES)('GET /api/v1/%s?itemsPerPage=500 (the maximum) is accepted', async (route) => {
      const body = await ok(listUrl(route, 'itemsPerPage=500'), userA);
      expect(body.results.map(rowKey[route])).toEqual(expected[route].A);
    });

    it.each(LIST_ROUTES)(
      'GET /api/v1/%s?itemsPerPage=1&pageNum=2 answers the second row and the full totalCount',
      async (route) => {
        const page1 = await ok(listUrl(route, 'itemsPerPage=1&pageNum=1'), userA);
        const page2 = await ok(listUrl(route, 'itemsPerPage=1&pageNum=2'), userA);
        expect(page1.results.map(rowKey[route])).toEqual([expected[route].A[0]]);
        expect(page2.results.map(rowKey[route])).toEqual([expected[route].A[1]]);
        expect(page1.totalCount).toBe(2);
        expect(page2.totalCount).toBe(2);
        expect(await ok(listUrl(route, 'itemsPerPage=1&pageNum=3'), userA)).toEqual({ results: [], totalCount: 2 });
      },
    );

    it('paging over A and B with itemsPerPage=2 never repeats or drops a row', async () => {
      const all = [...expected.alerts.B, ...expected.alerts.A];
      const p1 = await ok(listUrl('alerts', 'itemsPerPage=2&pageNum=1'), userAB);
      const p2 = await ok(listUrl('alerts', 'itemsPerPage=2&pageNum=2'), userAB);
      expect([...p1.results, ...p2.results].map(rowKey.alerts)).toEqual(all);
      expect([p1.totalCount, p2.totalCount]).toEqual([3, 3]);
    });
  });

  describe('customerid and query validation', () => {
    it('a customerid with a space, of 65 characters, empty, or given twice is 400 naming customerid on every customer route', async () => {
      const bad = ['tenant%20A', 'x'.repeat(65), '', `${cust.A}&customerid=${cust.B}`];
      for (const customerid of bad) {
        for (const url of customerUrls(customerid)) {
          const res = await get(url, userAB);
          const body = res.json();
          expect({ url, status: res.statusCode, message: body.message }).toEqual({
            url,
            status: 400,
            message: 'Invalid payload',
          });
          expect(body.errors.map((e: Json) => e.field)).toContain('customerid');
          expect(body.results).toBeUndefined();
        }
      }
    });

    it('a well-formed 64-character customerid passes validation (403 for a user not mapped to it)', async () => {
      for (const url of customerUrls('x'.repeat(64))) {
        const res = await get(url, userA);
        expect({ url, status: res.statusCode, body: res.json() }).toEqual({ url, status: 403, body: ACCESS_DENIED });
      }
    });

    it('metrics/series and topology/graph require a customerid (400), even for a superadmin', async () => {
      for (const url of [`/api/v1/metrics/series?${SERIES_QUERY}`, '/api/v1/topology/graph']) {
        const res = await get(url, superadmin);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({
          message: 'Invalid payload',
          errors: [expect.objectContaining({ field: 'customerid' })],
        });
      }
    });

    it('an unknown query parameter is 400 "property … should not exist" on every query route', async () => {
      const urls = [
        ...LIST_ROUTES.map((r) => listUrl(r, 'foo=1')),
        listUrl('alerts', `customerid=${cust.A}&envcustomerid=${cust.B}`),
        `/api/v1/metrics/series?customerid=${cust.A}&${SERIES_QUERY}&foo=1`,
        `/api/v1/topology/graph?customerid=${cust.A}&foo=1`,
      ];
      for (const url of urls) {
        const res = await get(url, userA);
        const body = res.json();
        expect({ url, status: res.statusCode, message: body.message }).toEqual({
          url,
          status: 400,
          message: 'Invalid payload',
        });
        expect(body.errors).toEqual([
          expect.objectContaining({
            field: expect.stringMatching(/^(foo|envcustomerid)$/),
            error: expect.stringMatching(/should not exist/),
          }),
        ]);
      }
    });

    it('GET /api/v1/alerts/{id} has no query DTO: unknown query parameters are ignored (200), and do not widen access', async () => {
      expect((await ok(`/api/v1/alerts/${alertId.A}?foo=1`, userA)).id).toBe(alertId.A);
      const res = await get(`/api/v1/alerts/${alertId.B}?customerid=${cust.A}`, userA);
      expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 403, body: ACCESS_DENIED });
    });

    it('GET /api/v1/alerts/{id} of a malformed or unknown id is 404 Alert not found', async () => {
      for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
        const res = await get(`/api/v1/alerts/${id}`, userA);
        expect({ id, status: res.statusCode, body: res.json() }).toEqual({
          id,
          status: 404,
          body: { message: 'Alert not found' },
        });
      }
    });
  });

  describe('ticket linking by authorized users', () => {
    it("the API user of A links a ticket to A's alert (200), recorded in its history", async () => {
      const res = await putTicket(alertId.A, userA, { sysid: 'sys-a', number: 'INC-A' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: alertId.A,
        envcustomerid: cust.A,
        ticket: { sysid: 'sys-a', number: 'INC-A' },
      });
      const detail = await ok(`/api/v1/alerts/${alertId.A}`, userA);
      expect(detail.ticket).toEqual({ sysid: 'sys-a', number: 'INC-A' });
      expect(detail.history.map((h: Json) => h.kind)).toEqual(['opened', 'ticket']);
    });

    it("the user mapped to A and B links a ticket to B's alert; a superadmin to C's", async () => {
      const b = await putTicket(alertId.B, userAB, { sysid: 'sys-b' });
      expect({ status: b.statusCode, ticket: b.json().ticket }).toEqual({
        status: 200,
        ticket: { sysid: 'sys-b', number: null },
      });
      const c = await putTicket(alertId.C, superadmin, { sysid: 'sys-c', number: 'INC-C' });
      expect({ status: c.statusCode, ticket: c.json().ticket }).toEqual({
        status: 200,
        ticket: { sysid: 'sys-c', number: 'INC-C' },
      });
      // Still nobody else's: A's user sees neither.
      const list = await ok(listUrl('alerts'), userA);
      expect(list.results.map((a: Json) => a.ticket?.sysid ?? null).sort()).toEqual([null, 'sys-a']);
    });
  });
});
