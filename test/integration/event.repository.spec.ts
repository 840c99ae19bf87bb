import type { PrismaService } from '@sluice/database';

import { EventRepository } from '../../apps/gateway/src/persistence/event.repository';
import { repositoryDatabase, uniqueCustomer } from './repository-database';

describe('EventRepository on PostgreSQL', () => {
  let db: ReturnType<typeof repositoryDatabase>;
  let prisma: PrismaService;
  let events: EventRepository;
  const [mine, theirs] = [uniqueCustomer('events-a'), uniqueCustomer('events-b')];
  const all = { pageNum: 1, itemsPerPage: 10 };

  const event = (envcustomerid: string, ieventid: string, at: string) => ({
    envcustomerid,
    ieventid,
    entity: 'host',
    entityid: 'host-1',
    parametername: 'CPU',
    parameterid: 'cpu',
    severity: 3,
    firstoccurrence: new Date(at),
    lastoccurrence: new Date(at),
    receivedAt: new Date(at),
    extra: { custom: ieventid },
  });

  beforeAll(async () => {
    db = repositoryDatabase();
    prisma = db.prisma;
    events = new EventRepository(prisma);
    await prisma.event.createMany({
      data: [
        event(mine, 'e1', '2024-05-01T10:00:00Z'),
        event(mine, 'e2', '2024-05-01T11:00:00Z'),
        event(theirs, 'e3', '2024-05-01T12:00:00Z'),
      ],
    });
  });
  afterAll(() => db.close());

  it("pages the scope's events newest first, without the row id", async () => {
    const page = await events.list(new Set([mine]), {}, { pageNum: 1, itemsPerPage: 10 });
    expect(page.totalCount).toBe(2);
    expect(page.results.map((e) => e.ieventid)).toEqual(['e2', 'e1']);
    expect(page.results[0]).not.toHaveProperty('id');
    expect(page.results[0].extra).toEqual({ custom: 'e2' });
  });

  it('bounds lastoccurrence from inclusive to exclusive, within the scope', async () => {
    const bound = { gte: new Date('2024-05-01T10:00:00Z'), lt: new Date('2024-05-01T11:00:00Z') };
    const page = await events.list(new Set([mine, theirs]), { lastoccurrence: bound }, all);
    expect(page.results.map((e) => e.ieventid)).toEqual(['e1']);
    const other = await events.list(new Set([theirs]), { entityid: 'host-1' }, all);
    expect(other).toEqual({
      results: [expect.objectContaining({ ieventid: 'e3', envcustomerid: theirs })],
      totalCount: 1,
    });
  });
});
