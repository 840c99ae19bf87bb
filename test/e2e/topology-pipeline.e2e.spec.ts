import type { INestApplicationContext } from '@nestjs/common';

import { QueueName } from '@sluice/queue';

import { apiUser, entity, service } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { drained } from '../helpers/queues';
import type { Tenant } from '../helpers/tenant';
import { get, publish, tenant } from '../helpers/tenant';
import { startWorker } from '../helpers/worker';

interface GraphNode {
  id: string;
  name: string;
  type: string | null;
  kind: 'entity' | 'service';
  attributes?: unknown;
}
interface GraphEdge {
  source: string;
  target: string;
  type: string;
}
interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const T0 = '2024-05-01T11:00:00Z';
const T1 = '2024-05-01T12:00:00Z';
const T2 = '2024-05-01T13:00:00Z';
const T3 = '2024-05-01T14:00:00Z';

/** Nodes as "kind:id name type", edges as "source -type-> target", each sorted: order is not part of the contract. */
const shape = (g: Graph) => ({
  nodes: g.nodes.map((n) => `${n.kind}:${n.id} ${n.name} ${n.type}`).sort(),
  edges: g.edges.map((e) => `${e.source} -${e.type}-> ${e.target}`).sort(),
});

/**
 * Spec §2.3, §2.4 and §6, end to end: POST /publish/entity and /publish/service → the real worker
 * → PostgreSQL → GET /api/v1/topology/graph. Newest record wins, relations are replaced, deletes
 * leave nothing behind, and records older than what is stored are ignored.
 */
describe('topology pipeline', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    gw = await startGateway();
    worker = await startWorker(gw.redisPrefix);
  });
  afterAll(async () => {
    await worker?.close();
    await gw?.close();
  });

  const graph = (t: Tenant) => get<Graph>(t, `/api/v1/topology/graph?customerid=${t.customer}`);

  /** Waits for the worker, then reads the graph once; `ready` must hold for it. */
  const graphWhen = async (t: Tenant, ready: (g: Graph) => boolean) => {
    await drained(gw, QueueName.EntityTopology, QueueName.ServiceTopology);
    const g = await graph(t);
    expect({ ready: ready(g), graph: g }).toEqual({ ready: true, graph: g });
    return g;
  };
  const hasNode = (id: string, name?: string) => (g: Graph) =>
    g.nodes.some((n) => n.id === id && (name === undefined || n.name === name));

  it('builds nodes and edges from entities, their relations, service members and dependencies', async () => {
    const t = await tenant(gw);
    const { customer } = t;
    await publish(t, 'entity', [
      entity(customer, {
        entityid: 'app-7',
        entity: 'billing-api',
        entitytype: 'application',
        attributes: { version: '2.1', replicas: 3 },
        relations: [
          { targetentityid: 'host-1', relationtype: 'runs_on' },
          { targetentityid: 'db-2', relationtype: 'depends_on' },
          { targetentityid: 'lb-1', relationtype: 'fronted_by' }, // any relation type is kept
        ],
      }),
      entity(customer, { entityid: 'host-1', entity: 'web-01', entitytype: 'host', relations: undefined }),
      entity(customer, {
        entityid: 'db-2',
        entity: 'billing-db',
        entitytype: 'database',
        relations: [{ targetentityid: 'host-1', relationtype: 'runs_on' }],
      }),
    ]);
    await publish(t, 'service', [
      service(customer, {
        serviceid: 'svc-billing',
        service: 'Billing',
        servicetype: 'business',
        entities: ['app-7', 'db-2'],
        dependson: ['svc-auth'],
      }),
      service(customer, { serviceid: 'svc-auth', service: 'Auth', entities: ['host-1'], attributes: { tier: 1 } }),
    ]);

    const g = await graphWhen(t, (x) => x.nodes.length === 5 && x.edges.length === 8);
    expect(shape(g)).toEqual({
      nodes: [
        'entity:app-7 billing-api application',
        'entity:db-2 billing-db database',
        'entity:host-1 web-01 host',
        'service:svc-auth Auth null',
        'service:svc-billing Billing business',
      ],
      edges: [
        'app-7 -depends_on-> db-2',
        'app-7 -fronted_by-> lb-1',
        'app-7 -runs_on-> host-1',
        'db-2 -runs_on-> host-1',
        'svc-auth -contains-> host-1',
        'svc-billing -contains-> app-7',
        'svc-billing -contains-> db-2',
        'svc-billing -depends_on-> svc-auth',
      ],
    });
    expect(g.nodes.find((n) => n.id === 'app-7')).toMatchObject({
      id: 'app-7',
      name: 'billing-api',
      type: 'application',
      kind: 'entity',
      attributes: { version: '2.1', replicas: 3 },
    });
    expect(g.nodes.find((n) => n.id === 'svc-auth')).toMatchObject({ kind: 'service', attributes: { tier: 1 } });
    expect(g.edges).toContainEqual({ source: 'svc-billing', target: 'svc-auth', type: 'depends_on' });
  });

  it('lets a newer entity record replace name, type and outgoing relations; an older one sent later is ignored', async () => {
    const t = await tenant(gw);
    const { customer } = t;
    await publish(t, 'entity', [
      entity(customer, {
        entityid: 'app-7',
        entity: 'billing-api',
        timestamp: T1,
        relations: [
          { targetentityid: 'host-1', relationtype: 'runs_on' },
          { targetentityid: 'db-2', relationtype: 'depends_on' },
        ],
      }),
      entity(customer, {
        entityid: 'host-1',
        entity: 'web-01',
        entitytype: 'host',
        timestamp: T1,
        relations: [{ targetentityid: 'rack-1', relationtype: 'contained_in' }],
      }),
    ]);
    await graphWhen(t, (x) => x.edges.length === 3);

    await publish(
      t,
      'entity',
      entity(customer, {
        entityid: 'app-7',
        entity: 'billing-api-v2',
        entitytype: 'container',
        timestamp: T2,
        relations: [{ targetentityid: 'host-2', relationtype: 'runs_on' }],
      }),
    );
    let g = await graphWhen(t, hasNode('app-7', 'billing-api-v2'));
    expect(shape(g)).toEqual({
      nodes: ['entity:app-7 billing-api-v2 container', 'entity:host-1 web-01 host'],
      // app-7's relations are replaced; host-1's are untouched.
      edges: ['app-7 -runs_on-> host-2', 'host-1 -contained_in-> rack-1'],
    });

    // Out of order: T1 < T2 stored. It rides in one job with a new entity, so once that entity is
    // visible the old record has been handled as well.
    await publish(t, 'entity', [
      entity(customer, {
        entityid: 'app-7',
        entity: 'stale-name',
        entitytype: 'application',
        timestamp: T1,
        relations: [{ targetentityid: 'host-9', relationtype: 'runs_on' }],
      }),
      entity(customer, { entityid: 'marker', entity: 'marker', timestamp: T0, relations: [] }),
    ]);
    g = await graphWhen(t, hasNode('marker'));
    expect(shape(g)).toEqual({
      nodes: ['entity:app-7 billing-api-v2 container', 'entity:host-1 web-01 host', 'entity:marker marker application'],
      edges: ['app-7 -runs_on-> host-2', 'host-1 -contained_in-> rack-1'],
    });

    // An even older record, in one job with a newer record of host-1 whose relation list is empty.
    await publish(t, 'entity', [
      entity(customer, { entityid: 'app-7', entity: 'ancient', timestamp: T0, relations: [] }),
      entity(customer, { entityid: 'host-1', entity: 'web-01', entitytype: 'host', timestamp: T3, relations: [] }),
    ]);
    g = await graphWhen(t, (x) => !x.edges.some((e) => e.source === 'host-1'));
    expect(shape(g)).toEqual({
      nodes: ['entity:app-7 billing-api-v2 container', 'entity:host-1 web-01 host', 'entity:marker marker application'],
      edges: ['app-7 -runs_on-> host-2'],
    });
  });

  it('removes a deleted entity and its outgoing relations; an older record arriving later does not bring it back; a newer one does', async () => {
    const t = await tenant(gw);
    const { customer } = t;
    await publish(t, 'entity', [
      entity(customer, {
        entityid: 'app-7',
        timestamp: T1,
        relations: [
          { targetentityid: 'host-1', relationtype: 'runs_on' },
          { targetentityid: 'db-2', relationtype: 'depends_on' },
        ],
      }),
      entity(customer, { entityid: 'host-1', entity: 'web-01', entitytype: 'host', timestamp: T1, relations: [] }),
      entity(customer, {
        entityid: 'mon-1',
        entity: 'monitor',
        entitytype: 'probe',
        timestamp: T1,
        relations: [{ targetentityid: 'app-7', relationtype: 'watches' }],
      }),
    ]);
    await graphWhen(t, (x) => x.nodes.length === 3 && x.edges.length === 3);

    await publish(t, 'entity', entity(customer, { entityid: 'app-7', timestamp: T2, deleted: true }));
    let g = await graphWhen(t, (x) => !hasNode('app-7')(x));
    expect(shape(g)).toEqual({
      nodes: ['entity:host-1 web-01 host', 'entity:mon-1 monitor probe'],
      // app-7's own relations are gone; another entity's relation to it is that entity's record,
      // kept but not shown while app-7 is a tombstone.
      edges: [],
    });

    // A record from before the delete, arriving after it, in one job with a marker.
    await publish(t, 'entity', [
      entity(customer, {
        entityid: 'app-7',
        entity: 'zombie',
        timestamp: T1,
        relations: [{ targetentityid: 'host-1', relationtype: 'runs_on' }],
      }),
      entity(customer, { entityid: 'marker', entity: 'marker', timestamp: T1, relations: [] }),
    ]);
    g = await graphWhen(t, hasNode('marker'));
    expect(hasNode('app-7')(g)).toBe(false);
    expect(shape(g).edges).toEqual([]);

    // A record newer than the delete is the newest state of the entity again.
    await publish(
      t,
      'entity',
      entity(customer, {
        entityid: 'app-7',
        entity: 'reborn',
        timestamp: T3,
        relations: [{ targetentityid: 'host-1', relationtype: 'runs_on' }],
      }),
    );
    g = await graphWhen(t, hasNode('app-7', 'reborn'));
    expect(shape(g).edges).toEqual(['app-7 -runs_on-> host-1', 'mon-1 -watches-> app-7']);
  });

  it('keeps only the newest record of an entity within one batch, wherever it stands in the batch', async () => {
    const t = await tenant(gw);
    const { customer } = t;
    await publish(t, 'entity', [
      entity(customer, {
        entityid: 'app-7',
        entity: 'newest',
        timestamp: T2,
        relations: [{ targetentityid: 'host-2', relationtype: 'runs_on' }],
      }),
      entity(customer, {
        entityid: 'app-7',
        entity: 'older',
        timestamp: T1,
        relations: [{ targetentityid: 'host-1', relationtype: 'runs_on' }],
      }),
      entity(customer, { entityid: 'app-8', entity: 'deleted-last', timestamp: T2, deleted: true }),
      entity(customer, {
        entityid: 'app-8',
        entity: 'alive-first',
        timestamp: T1,
        relations: [{ targetentityid: 'host-1', relationtype: 'runs_on' }],
      }),
      entity(customer, { entityid: 'app-9', entity: 'first', timestamp: T1, relations: [] }),
      entity(customer, {
        entityid: 'app-9',
        entity: 'second',
        timestamp: T3,
        relations: [{ targetentityid: 'host-3', relationtype: 'runs_on' }],
      }),
    ]);
    const g = await graphWhen(t, (x) => x.nodes.length >= 2);
    expect(shape(g)).toEqual({
      nodes: ['entity:app-7 newest application', 'entity:app-9 second application'],
      edges: ['app-7 -runs_on-> host-2', 'app-9 -runs_on-> host-3'],
    });
  });

  it('replaces a service by a newer record, ignores an older one, deletes it with its edges, and keeps it deleted', async () => {
    const t = await tenant(gw);
    const { customer } = t;
    await publish(
      t,
      'service',
      service(customer, {
        serviceid: 'svc-billing',
        service: 'Billing',
        servicetype: 'business',
        timestamp: T1,
        entities: ['app-7', 'db-2'],
        dependson: ['svc-auth', 'svc-dns'],
      }),
    );
    let g = await graphWhen(t, (x) => x.edges.length === 4);
    expect(shape(g)).toEqual({
      nodes: ['service:svc-billing Billing business'],
      edges: [
        'svc-billing -contains-> app-7',
        'svc-billing -contains-> db-2',
        'svc-billing -depends_on-> svc-auth',
        'svc-billing -depends_on-> svc-dns',
      ],
    });

    // Newer: members and dependencies are replaced, not merged; duplicates collapse.
    await publish(
      t,
      'service',
      service(customer, {
        serviceid: 'svc-billing',
        service: 'Billing v2',
        servicetype: 'technical',
        timestamp: T2,
        entities: ['app-8', 'app-8'],
        dependson: [],
      }),
    );
    g = await graphWhen(t, hasNode('svc-billing', 'Billing v2'));
    expect(shape(g)).toEqual({
      nodes: ['service:svc-billing Billing v2 technical'],
      edges: ['svc-billing -contains-> app-8'],
    });

    // Older, sent later, in one job with a marker service.
    await publish(t, 'service', [
      service(customer, {
        serviceid: 'svc-billing',
        service: 'Billing old',
        timestamp: T1,
        entities: ['app-1'],
        dependson: ['svc-x'],
      }),
      service(customer, { serviceid: 'svc-marker', service: 'Marker', timestamp: T1, entities: [] }),
    ]);
    g = await graphWhen(t, hasNode('svc-marker'));
    expect(shape(g)).toEqual({
      nodes: ['service:svc-billing Billing v2 technical', 'service:svc-marker Marker null'],
      edges: ['svc-billing -contains-> app-8'],
    });

    // Deleted: the node and its contains/depends_on edges go.
    await publish(
      t,
      'service',
      service(customer, {
        serviceid: 'svc-billing',
        service: 'Billing v2',
        timestamp: T3,
        entities: ['app-8'],
        dependson: ['svc-auth'],
        deleted: true,
      }),
    );
    g = await graphWhen(t, (x) => !hasNode('svc-billing')(x));
    expect(shape(g)).toEqual({ nodes: ['service:svc-marker Marker null'], edges: [] });

    // A pre-delete record arriving late does not revive it.
    await publish(t, 'service', [
      service(customer, {
        serviceid: 'svc-billing',
        service: 'Zombie',
        timestamp: T2,
        entities: ['app-7'],
        dependson: ['svc-auth'],
      }),
      service(customer, { serviceid: 'svc-marker-2', service: 'Marker 2', timestamp: T1, entities: [] }),
    ]);
    g = await graphWhen(t, hasNode('svc-marker-2'));
    expect(shape(g)).toEqual({
      nodes: ['service:svc-marker Marker null', 'service:svc-marker-2 Marker 2 null'],
      edges: [],
    });
  });

  it('keeps only the newest record of a service within one batch', async () => {
    const t = await tenant(gw);
    const { customer } = t;
    await publish(t, 'service', [
      service(customer, {
        serviceid: 'svc-a',
        service: 'A new',
        timestamp: T2,
        entities: ['e-new'],
        dependson: ['svc-b'],
      }),
      service(customer, {
        serviceid: 'svc-a',
        service: 'A old',
        timestamp: T1,
        entities: ['e-old'],
        dependson: ['svc-c'],
      }),
      service(customer, { serviceid: 'svc-b', service: 'B', timestamp: T3, entities: [], deleted: true }),
      service(customer, { serviceid: 'svc-b', service: 'B alive', timestamp: T2, entities: ['e-b'] }),
    ]);
    const g = await graphWhen(t, (x) => x.nodes.length >= 1);
    // svc-b's newest record deletes it: svc-a's dependency on it is not shown while it is a tombstone.
    expect(shape(g)).toEqual({ nodes: ['service:svc-a A new null'], edges: ['svc-a -contains-> e-new'] });
  });

  it("keeps customers apart: the same ids in another customer's topology do not show", async () => {
    const a = await tenant(gw);
    const b = await tenant(gw);
    await publish(
      a,
      'entity',
      entity(a.customer, {
        entityid: 'app-7',
        entity: 'A app',
        relations: [{ targetentityid: 'host-a', relationtype: 'runs_on' }],
      }),
    );
    await publish(
      b,
      'entity',
      entity(b.customer, {
        entityid: 'app-7',
        entity: 'B app',
        entitytype: 'vm',
        relations: [{ targetentityid: 'host-b', relationtype: 'runs_on' }],
      }),
    );
    const ga = await graphWhen(a, hasNode('app-7'));
    const gb = await graphWhen(b, hasNode('app-7'));
    expect(shape(ga)).toEqual({ nodes: ['entity:app-7 A app application'], edges: ['app-7 -runs_on-> host-a'] });
    expect(shape(gb)).toEqual({ nodes: ['entity:app-7 B app vm'], edges: ['app-7 -runs_on-> host-b'] });
  });

  it('answers 403 for a customer the user is not mapped to, 400 without customerid, 401 without a token', async () => {
    const mine = await tenant(gw);
    const theirs = await tenant(gw);
    await publish(theirs, 'entity', entity(theirs.customer));
    await graphWhen(theirs, hasNode('app-7'));

    const denied = await gw.inject({
      method: 'GET',
      url: `/api/v1/topology/graph?customerid=${theirs.customer}`,
      headers: mine.auth,
    });
    expect([denied.statusCode, denied.json()]).toEqual([403, { message: 'Access denied' }]);

    const missing = await gw.inject({ method: 'GET', url: '/api/v1/topology/graph', headers: mine.auth });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({
      message: 'Invalid payload',
      errors: [expect.objectContaining({ field: 'customerid' })],
    });

    const anon = await gw.inject({ method: 'GET', url: `/api/v1/topology/graph?customerid=${mine.customer}` });
    expect([anon.statusCode, anon.json()]).toEqual([401, { message: 'Missing access token' }]);

    // A UI user mapped to the customer may read it.
    const ui = await apiUser(gw, [theirs.customer], { type: 'UI' });
    expect(shape(await graph({ ...theirs, auth: ui.auth })).nodes).toEqual(['entity:app-7 billing-api application']);
  });
});
