import type { INestApplicationContext } from '@nestjs/common';

import { apiUser, createCustomer, entity, event, heartbeat, metric, service } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { drained, PUBLISH_QUEUES } from '../helpers/queues';
import { startWorker } from '../helpers/worker';

describe('pipeline smoke', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;
  let auth: Record<string, string>;
  let customer: string;

  beforeAll(async () => {
    gw = await startGateway();
    worker = await startWorker(gw.redisPrefix);
    customer = (await createCustomer(gw.prisma)).id;
    auth = (await apiUser(gw, [customer])).auth;
  });
  afterAll(async () => {
    await worker.close();
    await gw.close();
  });

  const publish = (route: string, payload: object) =>
    gw.inject({ method: 'POST', url: `/publish/${route}`, headers: auth, payload });

  it('stores all five kinds', async () => {
    expect(
      (
        await publish('allevents', [
          event(customer, { ieventid: 'e1' }),
          event(customer, { ieventid: 'e2', severity: 0, firstoccurrence: '2024-05-01T12:05:00Z' }),
        ])
      ).statusCode,
    ).toBe(200);
    expect((await publish('metrics', metric(customer))).statusCode).toBe(200);
    expect((await publish('entity', entity(customer))).statusCode).toBe(200);
    expect((await publish('service', service(customer))).statusCode).toBe(200);
    expect((await publish('healthcheck', heartbeat(customer, { status: 'DOWN' }))).statusCode).toBe(200);

    await drained(gw, ...PUBLISH_QUEUES);
    const alerts = await gw.prisma.alert.findMany({ where: { envcustomerid: customer }, include: { history: true } });
    expect(alerts).toHaveLength(2);
    const cpu = alerts.find((a) => a.parametercategory === 'cpu')!;
    expect(cpu).toMatchObject({ state: 'RESOLVED', severity: 0, previousSeverity: 5, count: 2 });
    expect(cpu.history.map((h) => h.kind).sort()).toEqual(['opened', 'resolved']);
    const adapter = alerts.find((a) => a.parametercategory === 'adapter')!;
    expect(adapter).toMatchObject({ state: 'OPEN', severity: 4, entityid: 'nifi-flow-1' });

    expect(await gw.prisma.event.count({ where: { envcustomerid: customer } })).toBe(2);
    expect(await gw.prisma.metricSample.count({ where: { envcustomerid: customer } })).toBe(1);
    expect(await gw.prisma.entityRelation.count({ where: { envcustomerid: customer } })).toBe(1);
    expect(await gw.prisma.serviceMember.count({ where: { envcustomerid: customer } })).toBe(2);
    expect(await gw.prisma.adapter.findFirst({ where: { envcustomerid: customer } })).toMatchObject({
      status: 'DOWN',
      interval: 300,
    });
  });

  it('reads them back through the read API', async () => {
    const get = async (url: string) => {
      const res = await gw.inject({ method: 'GET', url, headers: auth });
      expect(res.statusCode).toBe(200);
      return res.json();
    };
    const alerts = await get(`/api/v1/alerts?customerid=${customer}`);
    expect(alerts.totalCount).toBe(2);
    const detail = await get(
      `/api/v1/alerts/${alerts.results.find((a: { parametercategory: string }) => a.parametercategory === 'cpu').id}`,
    );
    expect(detail.history.map((h: { kind: string }) => h.kind)).toEqual(['opened', 'resolved']);
    expect((await get(`/api/v1/events?customerid=${customer}`)).totalCount).toBe(2);
    expect((await get(`/api/v1/metrics?customerid=${customer}`)).results[0]).toMatchObject({
      value: 42.5,
      tags: { core: '0' },
    });
    const series = await get(
      `/api/v1/metrics/series?customerid=${customer}&entityid=host-4711&parameterid=cpu.utilization&from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z&step=3600&agg=max`,
    );
    expect(series).toEqual({ points: [{ t: '2024-05-01T12:00:00.000Z', value: 42.5 }] });
    const graph = await get(`/api/v1/topology/graph?customerid=${customer}`);
    expect(graph.nodes.map((n: { id: string; kind: string }) => `${n.kind}:${n.id}`).sort()).toEqual([
      'entity:app-7',
      'service:svc-billing',
    ]);
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        { source: 'app-7', target: 'host-4711', type: 'runs_on' },
        { source: 'svc-billing', target: 'db-2', type: 'contains' },
      ]),
    );
    expect((await get(`/api/v1/adapters?customerid=${customer}`)).results[0]).toMatchObject({
      adapterid: 'nifi-flow-1',
      status: 'STALE',
    });
  });
});
