import type { PrismaService } from '@sluice/database';

import { TokenRepository } from '../../apps/gateway/src/persistence/token.repository';
import { UserRepository } from '../../apps/gateway/src/persistence/user.repository';
import { repositoryDatabase, uniqueCustomer } from './repository-database';

describe('UserRepository and TokenRepository on PostgreSQL', () => {
  let db: ReturnType<typeof repositoryDatabase>;
  let prisma: PrismaService;
  let users: UserRepository;
  let tokens: TokenRepository;
  const [a, b, c] = [uniqueCustomer('users-a'), uniqueCustomer('users-b'), uniqueCustomer('users-c')];
  const later = () => new Date(Date.now() + 60_000);

  beforeAll(async () => {
    db = repositoryDatabase();
    prisma = db.prisma;
    users = new UserRepository(prisma);
    tokens = new TokenRepository(prisma);
    await prisma.customer.createMany({ data: [a, b, c].map((id) => ({ id, name: id })) });
  });
  afterAll(() => db.close());

  const newUser = (customers: string[]) =>
    users.create({
      email: `${uniqueCustomer('user')}@example.com`,
      name: 'User',
      passwordHash: 'x',
      type: 'API',
      isSuperadmin: false,
      isAdmin: false,
      customers,
    });

  it("replaces a user's customer mapping, keeping the ones still named", async () => {
    const user = await newUser([a, b]);
    expect(user.customers.map((m) => m.customerId).sort()).toEqual([a, b].sort());
    const changed = await users.update(user.id, { name: 'Renamed' }, [b, c]);
    expect(changed.name).toBe('Renamed');
    expect(changed.customers.map((m) => m.customerId).sort()).toEqual([b, c].sort());
    expect((await users.withCustomers(user.id))?.customers.map((m) => m.customerId).sort()).toEqual([b, c].sort());
  });

  it('rotates a refresh token once: the successor works, the used one is refused as used', async () => {
    const user = await newUser([]);
    const familyId = await tokens.startFamily(user.id, `h1-${user.id}`, later());
    expect(await tokens.rotate(`h1-${user.id}`, `h2-${user.id}`, new Date(), later())).toEqual({
      userId: user.id,
      familyId,
    });
    expect(await tokens.rotate(`h1-${user.id}`, `h3-${user.id}`, new Date(), later())).toEqual({
      refused: 'used',
      familyId,
    });
    expect(await tokens.rotate('no-such-hash', 'h4', new Date(), later())).toEqual({ refused: 'unknown' });
    expect(await tokens.familyOf(`h2-${user.id}`)).toBe(familyId);
  });

  it("revokes a user's live families, after which their tokens are refused", async () => {
    const user = await newUser([]);
    const familyId = await tokens.startFamily(user.id, `r1-${user.id}`, later());
    expect(await tokens.familyActive(familyId)).toBe(true);
    expect(await tokens.revokeUser(user.id, 'disabled')).toEqual([familyId]);
    expect(await tokens.familyActive(familyId)).toBe(false);
    expect(await tokens.rotate(`r1-${user.id}`, `r2-${user.id}`, new Date(), later())).toEqual({
      refused: 'invalid',
      familyId,
    });
  });

  it('creates the bootstrap superadmin once', async () => {
    const email = `${uniqueCustomer('admin')}@example.com`;
    expect(await users.createSuperadminOnce(email, 'hash-1')).toBe(true);
    expect(await users.createSuperadminOnce(email, 'hash-2')).toBe(false);
    expect(await users.login(email)).toEqual(expect.objectContaining({ passwordHash: 'hash-1', disabled: false }));
  });
});
