import { basic, createUser, PASSWORD, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';

/**
 * Spec §5: the first superadmin comes from ADMIN_EMAIL / ADMIN_PASSWORD at start-up, an API-type
 * superadmin, created once and never overwritten.
 */
describe('bootstrap superadmin from ADMIN_EMAIL / ADMIN_PASSWORD (spec §5)', () => {
  const started: TestGateway[] = [];
  const start = async (env: Record<string, string | undefined>) => {
    const gw = await startGateway(env);
    started.push(gw);
    return gw;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((gw) => gw.close()));
  });

  const tokenFor = (gw: TestGateway, email: string, password: string) =>
    gw.inject({ method: 'POST', url: '/api/v1/user/token', headers: { authorization: basic(email, password) } });

  it('creates an API-type superadmin who can log in and use the admin API', async () => {
    const email = `${uniqueId('boot')}@example.com`;
    const gw = await start({ ADMIN_EMAIL: email, ADMIN_PASSWORD: 'first admin password' });

    const row = await gw.prisma.user.findUnique({ where: { email } });
    expect(row).toMatchObject({ email, type: 'API', isSuperadmin: true, disabled: false });
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row?.passwordHash).not.toContain('first admin password');

    const res = await tokenFor(gw, email, 'first admin password');
    expect(res.statusCode).toBe(200);
    const { data } = res.json();
    expect(data).toMatchObject({ email, is_superadmin: true });

    const admin = await gw.inject({
      method: 'GET',
      url: '/api/v1/admin/customers',
      headers: { authorization: `Bearer ${data.access_token}` },
    });
    expect(admin.statusCode).toBe(200);
    expect(admin.json()).toEqual({ results: expect.any(Array), totalCount: expect.any(Number) });
  });

  it('stores the email in lower case, so the admin logs in with any case', async () => {
    const local = uniqueId('BootCase');
    const gw = await start({ ADMIN_EMAIL: `${local}@Example.COM`, ADMIN_PASSWORD: 'mixed case admin' });
    const email = `${local.toLowerCase()}@example.com`;
    expect(await gw.prisma.user.count({ where: { email } })).toBe(1);
    expect((await tokenFor(gw, `${local}@EXAMPLE.com`, 'mixed case admin')).statusCode).toBe(200);
  });

  it('a second start with the same email and another password does not overwrite the admin', async () => {
    const email = `${uniqueId('boot-again')}@example.com`;
    const first = await start({ ADMIN_EMAIL: email, ADMIN_PASSWORD: 'the original password' });
    const original = await first.prisma.user.findUniqueOrThrow({ where: { email } });
    await first.close();
    started.splice(started.indexOf(first), 1);

    const second = await start({ ADMIN_EMAIL: email, ADMIN_PASSWORD: 'an attempted new password' });
    expect(await second.prisma.user.count({ where: { email } })).toBe(1);
    const after = await second.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(after).toEqual(original);

    expect((await tokenFor(second, email, 'the original password')).statusCode).toBe(200);
    const refused = await tokenFor(second, email, 'an attempted new password');
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ detail: 'Invalid username/password' });
  });

  it('an existing non-superadmin user with that email stays exactly as it was', async () => {
    const email = `${uniqueId('boot-existing')}@example.com`;
    // The user is written with a throwaway gateway's Prisma client (no ADMIN_* set), before the start that matters.
    const plain = await start({ ADMIN_EMAIL: undefined, ADMIN_PASSWORD: undefined });
    const existing = await createUser(plain.prisma, { email, type: 'UI', isSuperadmin: false });
    await plain.close();
    started.splice(started.indexOf(plain), 1);

    const gw = await start({ ADMIN_EMAIL: email, ADMIN_PASSWORD: 'would be admin password' });
    expect(await gw.prisma.user.count({ where: { email } })).toBe(1);
    const after = await gw.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(after).toEqual(existing);
    expect(after).toMatchObject({ isSuperadmin: false, type: 'UI' });

    expect((await tokenFor(gw, email, PASSWORD)).statusCode).toBe(200);
    expect((await tokenFor(gw, email, 'would be admin password')).statusCode).toBe(401);
  });

  it('without ADMIN_PASSWORD nothing is created', async () => {
    const email = `${uniqueId('boot-nopw')}@example.com`;
    const gw = await start({ ADMIN_EMAIL: email, ADMIN_PASSWORD: undefined });
    expect(await gw.prisma.user.count({ where: { email } })).toBe(0);
  });
});
