import { apiKey, apiUser, createCustomer } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import type { Json } from '../helpers/tenant';

/** `GET /api/v1/user/me`: who the caller is and the customers they may see (what the console offers). */
describe('GET /api/v1/user/me', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  const me = (auth: Record<string, string>) => gw.inject({ method: 'GET', url: '/api/v1/user/me', headers: auth });

  it("answers a user's roles and their customers, with names and whether they are active", async () => {
    const a = await createCustomer(gw.prisma);
    const b = await createCustomer(gw.prisma, { active: false });
    await createCustomer(gw.prisma); // not theirs
    const ui = await apiUser(gw, [b.id, a.id], { type: 'UI', isAdmin: true });
    const res = await me(ui.auth);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: ui.user.id,
      email: ui.user.email,
      name: 'Test user',
      type: 'UI',
      isSuperadmin: false,
      isAdmin: true,
      customers: [
        { id: a.id, name: a.name, active: true },
        { id: b.id, name: b.name, active: false },
      ].sort((x, y) => (x.id < y.id ? -1 : 1)),
    });
  });

  it('gives a superadmin every customer, and a read key its own user', async () => {
    const c = await createCustomer(gw.prisma);
    const admin = await apiUser(gw, [], { isSuperadmin: true });
    const all = (await me(admin.auth)).json<Json>();
    expect(all.isSuperadmin).toBe(true);
    expect((all.customers as Json[]).map((x) => x.id)).toContain(c.id);

    const user = await apiUser(gw, [c.id]);
    const key = await apiKey(gw, user.auth, ['read']);
    const viaKey = await me({ authorization: `Bearer ${key}` });
    expect(viaKey.statusCode).toBe(200);
    expect(viaKey.json<Json>()).toMatchObject({ id: user.user.id, customers: [{ id: c.id }] });
    const publishKey = await apiKey(gw, user.auth, ['publish']);
    expect((await me({ authorization: `Bearer ${publishKey}` })).statusCode).toBe(403);
    expect((await me({})).statusCode).toBe(401);
  });
});
