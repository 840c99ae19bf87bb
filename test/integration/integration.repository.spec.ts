import type { PrismaService } from '@sluice/database';

import { prismaCode } from '../../apps/gateway/src/http/prisma-errors';
import { IntegrationRepository } from '../../apps/gateway/src/persistence/integration.repository';
import { repositoryDatabase, uniqueCustomer } from './repository-database';

describe('IntegrationRepository on PostgreSQL', () => {
  let db: ReturnType<typeof repositoryDatabase>;
  let prisma: PrismaService;
  let integrations: IntegrationRepository;
  const [mine, theirs] = [uniqueCustomer('intg-a'), uniqueCustomer('intg-b')];
  const row = (id: string) => ({ id, integrationId: 'CUSTOM', integrationName: 'Custom' });

  beforeAll(async () => {
    db = repositoryDatabase();
    prisma = db.prisma;
    integrations = new IntegrationRepository(prisma);
    await prisma.customer.createMany({ data: [mine, theirs].map((id) => ({ id, name: id })) });
    const webhook = { inboundAuthType: 'WEBHOOK', inboundTokenHash: `hash-${mine}` };
    await integrations.create(mine, { ...row(`${mine}-1`), ...webhook });
    await integrations.create(mine, row(`${mine}-2`));
    await integrations.create(theirs, row(`${theirs}-1`));
  });
  afterAll(() => db.close());

  it("lists a tenant's integrations only, oldest first, with their count", async () => {
    const page = await integrations.list(mine, { pageNum: 1, itemsPerPage: 1 });
    expect(page).toEqual({ results: [expect.objectContaining({ id: `${mine}-1`, tenantId: mine })], totalCount: 2 });
    const other = await integrations.list(theirs, { pageNum: 1, itemsPerPage: 10 });
    expect(other.results.map((r) => r.id)).toEqual([`${theirs}-1`]);
  });

  it("never reads, changes or deletes another tenant's integration", async () => {
    expect(await integrations.find(theirs, `${mine}-1`)).toBeNull();
    const update = integrations.update(theirs, `${mine}-1`, { displayName: 'stolen' });
    expect(prismaCode(await update.catch((e) => e))).toBe('P2025');
    expect(prismaCode(await integrations.delete(theirs, `${mine}-2`).catch((e) => e))).toBe('P2025');
    const kept = await integrations.find(mine, `${mine}-1`);
    expect(kept?.displayName).toBeNull();
    expect(await integrations.find(mine, `${mine}-2`)).not.toBeNull();
  });

  it("changes and deletes the tenant's own, and finds an integration by its inbound token", async () => {
    const updated = await integrations.update(mine, `${mine}-1`, { displayName: 'Desk' });
    expect(updated.displayName).toBe('Desk');
    expect(await integrations.byInboundToken(`hash-${mine}`)).toEqual({
      id: `${mine}-1`,
      tenantId: mine,
      inboundAuthType: 'WEBHOOK',
    });
    await integrations.delete(mine, `${mine}-2`);
    expect(await integrations.find(mine, `${mine}-2`)).toBeNull();
  });
});
