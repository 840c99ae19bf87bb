import type { PrismaService } from '@sluice/database';

import { MetricRepository } from '../../apps/gateway/src/persistence/metric.repository';
import { repositoryDatabase, uniqueCustomer } from './repository-database';

describe('MetricRepository on PostgreSQL', () => {
  let db: ReturnType<typeof repositoryDatabase>;
  let prisma: PrismaService;
  let metrics: MetricRepository;
  const [mine, theirs] = [uniqueCustomer('metrics-a'), uniqueCustomer('metrics-b')];

  const sample = (envcustomerid: string, ts: string, value: number) => ({
    envcustomerid,
    entityid: 'host-1',
    parameterid: 'cpu',
    parametername: 'CPU',
    ts: new Date(ts),
    tagsKey: '',
    value,
    receivedAt: new Date(ts),
  });

  beforeAll(async () => {
    db = repositoryDatabase();
    prisma = db.prisma;
    metrics = new MetricRepository(prisma);
    await prisma.metricSample.createMany({
      data: [
        sample(mine, '2024-05-01T10:00:10Z', 1),
        sample(mine, '2024-05-01T10:00:50Z', 3),
        sample(mine, '2024-05-01T10:01:10Z', 10),
        sample(theirs, '2024-05-01T10:00:20Z', 100),
      ],
    });
  });
  afterAll(() => db.close());

  it("pages the scope's samples oldest first", async () => {
    const page = await metrics.list(new Set([mine]), { parameterid: 'cpu' }, { pageNum: 1, itemsPerPage: 2 });
    expect(page.totalCount).toBe(3);
    expect(page.results.map((s) => s.value)).toEqual([1, 3]);
    const before = { ts: { lt: new Date('2024-05-01T10:01:00Z') } };
    const bounded = await metrics.list(new Set([theirs]), before, { pageNum: 1, itemsPerPage: 10 });
    expect(bounded.results.map((s) => s.value)).toEqual([100]);
  });

  it("aggregates one customer's series per bucket, never another customer's samples", async () => {
    const query = {
      entityid: 'host-1',
      parameterid: 'cpu',
      step: 60,
      from: new Date('2024-05-01T10:00:00Z'),
      to: new Date('2024-05-01T10:02:00Z'),
    };
    expect(await metrics.series(mine, { ...query, agg: 'avg' })).toEqual([
      { t: new Date('2024-05-01T10:00:00Z'), value: 2 },
      { t: new Date('2024-05-01T10:01:00Z'), value: 10 },
    ]);
    expect(await metrics.series(mine, { ...query, agg: 'count' })).toEqual([
      { t: new Date('2024-05-01T10:00:00Z'), value: 2 },
      { t: new Date('2024-05-01T10:01:00Z'), value: 1 },
    ]);
    const other = await metrics.series(theirs, { ...query, agg: 'max' });
    expect(other).toEqual([{ t: new Date('2024-05-01T10:00:00Z'), value: 100 }]);
  });
});
