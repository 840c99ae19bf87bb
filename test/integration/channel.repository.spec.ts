import type { PrismaService } from '@sluice/database';

import { prismaCode } from '../../apps/gateway/src/http/prisma-errors';
import { ChannelDeliveryRepository } from '../../apps/gateway/src/persistence/channel-delivery.repository';
import { ChannelIntegrationRepository } from '../../apps/gateway/src/persistence/channel-integration.repository';
import { repositoryDatabase, uniqueCustomer } from './repository-database';

describe('ChannelIntegrationRepository and ChannelDeliveryRepository on PostgreSQL', () => {
  let db: ReturnType<typeof repositoryDatabase>;
  let prisma: PrismaService;
  let channels: ChannelIntegrationRepository;
  let deliveries: ChannelDeliveryRepository;
  const [mine, theirs] = [uniqueCustomer('chan-a'), uniqueCustomer('chan-b')];
  const columns = (secrets: string) => ({
    settings: { teamName: 't' },
    secrets,
    region: 'US' as const,
    minSeverity: 4,
    enabled: true,
  });

  beforeAll(async () => {
    db = repositoryDatabase();
    prisma = db.prisma;
    channels = new ChannelIntegrationRepository(prisma);
    deliveries = new ChannelDeliveryRepository(prisma);
    await prisma.customer.createMany({ data: [mine, theirs].map((id) => ({ id, name: id })) });
    await channels.create(mine, 'SLACK', columns('mine-slack'));
    await channels.create(mine, 'PAGER_DUTY', columns('mine-pd'));
    await channels.create(theirs, 'SLACK', columns('theirs-slack'));
  });
  afterAll(() => db.close());

  it("lists a customer's integrations only, in the order they were added, with their count", async () => {
    const page = await channels.list(mine, { pageNum: 1, itemsPerPage: 1 });
    expect(page).toEqual({
      results: [expect.objectContaining({ type: 'SLACK', secrets: 'mine-slack' })],
      totalCount: 2,
    });
    expect((await channels.list(theirs, { pageNum: 1, itemsPerPage: 10 })).results.map((r) => r.secrets)).toEqual([
      'theirs-slack',
    ]);
  });

  it('one per customer and type: a second create is P2002', async () => {
    expect(prismaCode(await channels.create(mine, 'SLACK', columns('again')).catch((e) => e))).toBe('P2002');
  });

  it('upsert hands the stored row to the change and writes what it returns; without one, it creates', async () => {
    const seen: (string | null)[] = [];
    const changed = await channels.upsert(mine, 'SLACK', (current) => {
      seen.push(current?.secrets ?? null);
      return { ...columns(current!.secrets), enabled: false };
    });
    expect(changed).toMatchObject({ customerId: mine, type: 'SLACK', secrets: 'mine-slack', enabled: false });
    const created = await channels.upsert(mine, 'WEBHOOK', (current) => {
      seen.push(current?.secrets ?? null);
      return columns('mine-hook');
    });
    expect(created).toMatchObject({ customerId: mine, type: 'WEBHOOK', region: 'US' });
    expect(seen).toEqual(['mine-slack', null]);
    expect((await channels.find(theirs, 'SLACK'))?.enabled).toBe(true);
  });

  it('concurrent upserts of one integration take turns: each change sees the one before it', async () => {
    await Promise.all(
      Array.from({ length: 5 }, () =>
        channels.upsert(mine, 'PAGER_DUTY', (current) => ({
          ...columns(current!.secrets),
          minSeverity: (current!.minSeverity + 1) % 6,
        })),
      ),
    );
    expect((await channels.find(mine, 'PAGER_DUTY'))?.minSeverity).toBe(3); // 4 → 5 → 0 → 1 → 2 → 3
  });

  it("never reads or deletes another customer's integration", async () => {
    expect(await channels.find(theirs, 'PAGER_DUTY')).toBeNull();
    expect(prismaCode(await channels.delete(theirs, 'PAGER_DUTY').catch((e) => e))).toBe('P2025');
    expect(await channels.find(mine, 'PAGER_DUTY')).not.toBeNull();
  });

  it('deliveries: newest first, per customer and integration; they go with their integration', async () => {
    const slack = (await channels.find(mine, 'SLACK'))!;
    for (const key of ['k1', 'k2', 'k3'])
      await prisma.channelDelivery.create({
        data: { customerId: mine, integrationId: slack.id, change: 'TEST', status: 'DELIVERED', idempotencyKey: key },
      });
    const page = await deliveries.recent(mine, slack.id, { pageNum: 1, itemsPerPage: 2 });
    expect(page.totalCount).toBe(3);
    expect(page.results.map((d) => d.idempotencyKey)).toEqual(['k3', 'k2']);
    expect((await deliveries.recent(theirs, slack.id, { pageNum: 1, itemsPerPage: 10 })).totalCount).toBe(0);
    await channels.delete(mine, 'SLACK');
    expect(await prisma.channelDelivery.count({ where: { integrationId: slack.id } })).toBe(0);
  });
});
