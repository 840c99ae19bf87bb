import type { PrismaService } from '@sluice/database';

import { AdapterRepository } from '../../apps/gateway/src/persistence/adapter.repository';
import { TopologyRepository } from '../../apps/gateway/src/persistence/topology.repository';
import { repositoryDatabase, uniqueCustomer } from './repository-database';

describe('TopologyRepository and AdapterRepository on PostgreSQL', () => {
  let db: ReturnType<typeof repositoryDatabase>;
  let prisma: PrismaService;
  const [mine, theirs] = [uniqueCustomer('topo-a'), uniqueCustomer('topo-b')];

  beforeAll(async () => {
    db = repositoryDatabase();
    prisma = db.prisma;
    const now = new Date();
    const entity = (envcustomerid: string, entityid: string, deleted = false) => ({
      envcustomerid,
      entityid,
      name: entityid,
      type: 'host',
      deleted,
      recordTs: now,
    });
    await prisma.topologyEntity.createMany({
      data: [entity(mine, 'a'), entity(mine, 'b'), entity(mine, 'gone', true), entity(theirs, 'x')],
    });
    const relation = (envcustomerid: string, source: string, target: string) => ({
      envcustomerid,
      sourceEntityid: source,
      targetEntityid: target,
      relationtype: 'runs_on',
    });
    await prisma.entityRelation.createMany({
      data: [relation(mine, 'a', 'b'), relation(mine, 'a', 'gone'), relation(theirs, 'x', 'a')],
    });
    const adapter = (envcustomerid: string, adapterid: string) => ({
      envcustomerid,
      adapterid,
      name: adapterid,
      status: 'UP',
      interval: 60,
      lastseen: now,
    });
    await prisma.adapter.createMany({
      data: [adapter(mine, 'nifi-1'), adapter(mine, 'nifi-2'), adapter(theirs, 'nifi-1')],
    });
  });
  afterAll(() => db.close());

  it("reads one customer's graph, without tombstones or edges to them", async () => {
    const graph = await new TopologyRepository(prisma).graph(mine);
    expect(graph.entities.map((e) => e.entityid)).toEqual(['a', 'b']);
    expect(graph.services).toEqual([]);
    expect(graph.edges).toEqual([{ source: 'a', target: 'b', type: 'runs_on' }]);
    const other = await new TopologyRepository(prisma).graph(theirs);
    expect(other.edges).toEqual([{ source: 'x', target: 'a', type: 'runs_on' }]);
  });

  it("pages the scope's adapters by customer and id", async () => {
    const adapters = new AdapterRepository(prisma);
    const page = await adapters.list(new Set([mine]), { pageNum: 2, itemsPerPage: 1 });
    expect(page).toEqual({
      results: [expect.objectContaining({ envcustomerid: mine, adapterid: 'nifi-2' })],
      totalCount: 2,
    });
    const both = await adapters.list(new Set([mine, theirs]), { pageNum: 1, itemsPerPage: 10 });
    expect(both.totalCount).toBe(3);
  });
});
