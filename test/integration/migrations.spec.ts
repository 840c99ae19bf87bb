import { randomBytes } from 'node:crypto';

import { PrismaPg } from '@prisma/adapter-pg';
import { Client } from 'pg';

import { PrismaClient } from '../../libs/database/src/generated/prisma/client';
import { defaultMigrationsDir, ensureDatabase, migrate } from '../../libs/database/src/migrations/migrate';

/** A database of this test's own, created empty, so the migrations run from scratch. */
function scratchUrl(): string {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `${url.pathname}_m${randomBytes(3).toString('hex')}`;
  return url.toString();
}

async function dropDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const admin = new Client({ connectionString: u.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

async function query<T extends object>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migration step', () => {
  const dir = defaultMigrationsDir();
  let url: string;

  beforeEach(async () => {
    url = scratchUrl();
    await ensureDatabase(url);
  });
  afterEach(() => dropDatabase(url));

  it('applies every migration to an empty database, once, recording it as Prisma does', async () => {
    const first = await migrate(url, dir);
    expect(first.applied.length).toBeGreaterThan(0);
    expect(first.alreadyApplied).toBe(0);

    const second = await migrate(url, dir);
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied.length });

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      url,
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(first.applied);
    for (const row of rows) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
    }
    const tables = await query<{ tablename: string }>(
      url,
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    );
    expect(tables.map((t) => t.tablename)).toEqual(
      expect.arrayContaining([
        'organizations',
        'customers',
        'users',
        'user_customers',
        'token_families',
        'refresh_tokens',
        'channel_integrations',
        'channel_deliveries',
        'channel_threads',
        'api_keys',
      ]),
    );
  });

  it('runs safely when several processes start at once', async () => {
    const results = await Promise.all([migrate(url, dir), migrate(url, dir), migrate(url, dir)]);
    const appliedCounts = results.map((r) => r.applied.length).sort();
    expect(appliedCounts[0]).toBe(0);
    expect(appliedCounts[1]).toBe(0);
    expect(appliedCounts[2]).toBeGreaterThan(0);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    await migrate(url, dir);
    await query(url, `UPDATE "_prisma_migrations" SET checksum = repeat('0', 64)`);
    await expect(migrate(url, dir)).rejects.toThrow(/was changed after it was applied/);
  });

  it('creates the database when it does not exist', async () => {
    await dropDatabase(url);
    await ensureDatabase(url);
    await expect(migrate(url, dir)).resolves.toEqual(expect.objectContaining({ alreadyApplied: 0 }));
  });
});

describe('schema.prisma matches the SQL migrations', () => {
  // Writes and reads every model through the generated client: a column or type that the SQL
  // and the schema disagree on fails here.
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL! }) });
  afterAll(() => prisma.$disconnect());

  it('round-trips every model', async () => {
    const suffix = randomBytes(4).toString('hex');
    const org = await prisma.organization.create({ data: { name: `org ${suffix}` } });
    const customer = await prisma.customer.create({ data: { id: `c-${suffix}`, name: 'C', organizationId: org.id } });
    const user = await prisma.user.create({
      data: {
        email: `u-${suffix}@example.com`,
        name: 'U',
        passwordHash: 'x',
        type: 'UI',
        isAdmin: true,
        organizationId: org.id,
        customers: { create: [{ customerId: customer.id }] },
      },
    });
    const family = await prisma.tokenFamily.create({
      data: {
        userId: user.id,
        revokedReason: 'test',
        revokedAt: new Date(),
        refreshTokens: {
          create: { tokenHash: `h-${suffix}`, expiresAt: new Date(Date.now() + 1000), usedAt: new Date() },
        },
      },
    });

    const read = await prisma.user.findUniqueOrThrow({
      where: { id: user.id },
      include: {
        customers: { include: { customer: { include: { organization: true } } } },
        tokenFamilies: { include: { refreshTokens: true } },
        organization: true,
      },
    });
    expect(read).toMatchObject({
      email: `u-${suffix}@example.com`,
      type: 'UI',
      isAdmin: true,
      isSuperadmin: false,
      disabled: false,
      organization: { id: org.id, name: `org ${suffix}` },
      customers: [{ customerId: customer.id, customer: { active: true, organization: { id: org.id } } }],
      tokenFamilies: [{ id: family.id, revokedReason: 'test', refreshTokens: [{ tokenHash: `h-${suffix}` }] }],
    });
    expect(read.createdAt).toBeInstanceOf(Date);
    expect(read.tokenFamilies[0].refreshTokens[0].usedAt).toBeInstanceOf(Date);
  });

  it('round-trips the notification channels and their deliveries', async () => {
    const suffix = randomBytes(4).toString('hex');
    const customer = await prisma.customer.create({ data: { id: `c-${suffix}`, name: 'C' } });
    const alert = await prisma.alert.create({
      data: {
        envcustomerid: customer.id,
        entityid: 'e',
        entity: 'e',
        parameterid: 'p',
        parametername: 'p',
        severity: 5,
        state: 'OPEN',
        count: 1,
        firstoccurrence: new Date(),
        lastoccurrence: new Date(),
      },
    });
    const integration = await prisma.channelIntegration.create({
      data: {
        customerId: customer.id,
        type: 'SLACK',
        settings: { teamName: 'acme', channelName: '#ops' },
        secrets: 'v1.sealed',
        deliveries: {
          create: [
            { customerId: customer.id, alertId: alert.id, change: 'OPEN', status: 'DELIVERED', idempotencyKey: 'k1' },
            {
              customerId: customer.id,
              change: 'TEST',
              attempt: 3,
              status: 'FAILED',
              responseCode: 429,
              error: 'rate limited',
              idempotencyKey: 'k2',
            },
          ],
        },
      },
    });
    const read = await prisma.channelIntegration.findUniqueOrThrow({
      where: { customerId_type: { customerId: customer.id, type: 'SLACK' } },
      include: { deliveries: { orderBy: { id: 'asc' } } },
    });
    expect(read).toMatchObject({
      id: integration.id,
      settings: { teamName: 'acme', channelName: '#ops' },
      secrets: 'v1.sealed',
      region: 'US',
      minSeverity: 4,
      enabled: true,
      deliveries: [
        {
          alertId: alert.id,
          change: 'OPEN',
          attempt: 1,
          status: 'DELIVERED',
          responseCode: null,
          idempotencyKey: 'k1',
        },
        { alertId: null, change: 'TEST', attempt: 3, status: 'FAILED', responseCode: 429, error: 'rate limited' },
      ],
    });
    expect(read.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof read.deliveries[0].id).toBe('bigint');
    expect(read.deliveries[1].createdAt).toBeInstanceOf(Date);
    // One per customer and type; min_severity is 0..5.
    await expect(
      prisma.channelIntegration.create({ data: { customerId: customer.id, type: 'SLACK', secrets: 'x' } }),
    ).rejects.toMatchObject({ code: 'P2002' });
    await expect(
      prisma.channelIntegration.create({
        data: { customerId: customer.id, type: 'WEBHOOK', secrets: 'x', minSeverity: 6 },
      }),
    ).rejects.toThrow();
    // Deleting the integration deletes its deliveries; deleting the alert keeps them.
    await prisma.alert.delete({ where: { id: alert.id } });
    expect(await prisma.channelDelivery.count({ where: { integrationId: integration.id, alertId: null } })).toBe(2);
    await prisma.channelIntegration.delete({ where: { id: integration.id } });
    expect(await prisma.channelDelivery.count({ where: { integrationId: integration.id } })).toBe(0);
  });
});
