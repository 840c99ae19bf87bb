import { ownDatabase } from '../helpers/database';
import { apiUser, basic, createCustomer, createUser, event, login, PASSWORD, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';

/**
 * Spec §5: the admin API (organizations, customers, users) for superadmins, and spec §1's token
 * answers on its routes.
 */
describe('admin API (spec §5)', () => {
  let gw: TestGateway;
  let admin: Record<string, string>;
  let db: Awaited<ReturnType<typeof ownDatabase>>;

  // A database of its own: the listings below must see only what this file stores.
  beforeAll(async () => {
    db = await ownDatabase('admin');
    gw = await startGateway({ DATABASE_URL: db.url });
    admin = (await apiUser(gw, [], { isSuperadmin: true })).auth;
  });
  afterAll(async () => {
    await gw.close();
    await db.drop();
  });

  const post = (url: string, payload: unknown, headers = admin) =>
    gw.inject({ method: 'POST', url, headers, payload: payload as object });
  const patch = (url: string, payload: unknown, headers = admin) =>
    gw.inject({ method: 'PATCH', url, headers, payload: payload as object });
  const get = (url: string, headers = admin) => gw.inject({ method: 'GET', url, headers });

  /**
   * The whole listing (itemsPerPage=500) and its first pages of `perPage`, taken again until the
   * listing is the same before and after (tests of this file run one at a time, so the first try
   * normally is).
   */
  async function stableListing(url: string, perPage: number, pageCount: number) {
    for (let attempt = 0; ; attempt++) {
      const before = await get(`${url}?itemsPerPage=500`);
      expect(before.statusCode).toBe(200);
      const pages = [];
      for (let n = 1; n <= pageCount; n++) {
        const page = await get(`${url}?pageNum=${n}&itemsPerPage=${perPage}`);
        expect(page.statusCode).toBe(200);
        pages.push(page.json());
      }
      const after = await get(`${url}?itemsPerPage=500`);
      if (after.body === before.body) return { all: before.json(), pages, raw: before.body };
      if (attempt >= 10) throw new Error(`${url} kept changing while it was read`);
    }
  }

  const newUser = (overrides: Record<string, unknown> = {}) => ({
    email: `${uniqueId('admin-made')}@example.com`,
    name: 'NiFi connector',
    password: 'a long enough password',
    type: 'API',
    customers: [],
    ...overrides,
  });

  describe('organizations', () => {
    it('POST creates an organization: 201 {id, name}', async () => {
      const res = await post('/api/v1/admin/organizations', { name: 'Acme Managed Services' });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toEqual({ id: expect.any(String), name: 'Acme Managed Services' });
      const row = await gw.prisma.organization.findUnique({ where: { id: body.id } });
      expect(row?.name).toBe('Acme Managed Services');
    });

    it('POST without a name is 400 Invalid payload naming the field', async () => {
      const res = await post('/api/v1/admin/organizations', {});
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        message: 'Invalid payload',
        errors: expect.arrayContaining([expect.objectContaining({ field: 'name' })]),
      });
    });
  });

  describe('customers', () => {
    it('POST creates a customer with the given id in an organization: 201 the customer', async () => {
      const org = (await post('/api/v1/admin/organizations', { name: 'Org of customers' })).json();
      const id = uniqueId('acme');
      const res = await post('/api/v1/admin/customers', { id, name: 'Acme Corp', organizationId: org.id });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toEqual({ id, name: 'Acme Corp', active: true, organizationId: org.id });
      const row = await gw.prisma.customer.findUnique({ where: { id } });
      expect(row).toMatchObject({ id, name: 'Acme Corp', active: true, organizationId: org.id });
    });

    it('POST without an id generates one; active defaults to true and can be set false', async () => {
      const a = await post('/api/v1/admin/customers', { name: 'Generated A' });
      const b = await post('/api/v1/admin/customers', { name: 'Generated B', active: false });
      expect(a.statusCode).toBe(201);
      expect(b.statusCode).toBe(201);
      const [ca, cb] = [a.json(), b.json()];
      expect(ca).toEqual({
        id: expect.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/),
        name: 'Generated A',
        active: true,
        organizationId: null,
      });
      expect(cb).toMatchObject({ name: 'Generated B', active: false });
      expect(cb.id).not.toBe(ca.id);
      expect(await gw.prisma.customer.count({ where: { id: { in: [ca.id, cb.id] } } })).toBe(2);
    });

    it('POST with an id that exists is 409 with a message, and the existing customer is unchanged', async () => {
      const id = uniqueId('dup');
      expect((await post('/api/v1/admin/customers', { id, name: 'First' })).statusCode).toBe(201);
      const res = await post('/api/v1/admin/customers', { id, name: 'Second' });
      expect(res.statusCode).toBe(409);
      const body = res.json();
      expect(typeof body.message).toBe('string');
      expect(body.message).toContain(id);
      expect((await gw.prisma.customer.findUnique({ where: { id } }))?.name).toBe('First');
    });

    it.each([
      ['a space', 'acme corp'],
      ['65 characters', 'a'.repeat(65)],
      ['a slash', 'acme/corp'],
      ['the empty string', ''],
    ])('POST with an id containing %s is 400 Invalid payload naming field id', async (_what, id) => {
      const res = await post('/api/v1/admin/customers', { id, name: 'Bad id' });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.message).toBe('Invalid payload');
      expect(body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'id', error: expect.any(String) })]),
      );
      expect(await gw.prisma.customer.count({ where: { id } })).toBe(0);
    });

    it('POST accepts a 64-character id of every allowed character class', async () => {
      const id = `Az09_.:-${'x'.repeat(56)}`;
      expect(id).toHaveLength(64);
      const res = await post('/api/v1/admin/customers', { id, name: 'Longest id' });
      expect(res.statusCode).toBe(201);
      expect(res.json().id).toBe(id);
    });

    it('POST naming an unknown organization is 400, not a 500', async () => {
      const res = await post('/api/v1/admin/customers', {
        name: 'Orphan',
        organizationId: '00000000-0000-4000-8000-000000000000',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        message: 'Invalid payload',
        errors: [expect.objectContaining({ field: 'organizationId' })],
      });
    });

    it('PATCH renames and deactivates: 200 the customer; publishing for it then is 400 inactive customer', async () => {
      const customer = await createCustomer(gw.prisma);
      const publisher = await apiUser(gw, [customer.id]);
      // Publishing works first, which also puts the customer's status in the gateway's cache.
      const before = await gw.inject({
        method: 'POST',
        url: '/publish/allevents',
        headers: publisher.auth,
        payload: event(customer.id),
      });
      expect(before.statusCode).toBe(200);

      const renamed = await patch(`/api/v1/admin/customers/${customer.id}`, { name: 'Renamed Corp' });
      expect(renamed.statusCode).toBe(200);
      expect(renamed.json()).toEqual({ id: customer.id, name: 'Renamed Corp', active: true, organizationId: null });

      const res = await patch(`/api/v1/admin/customers/${customer.id}`, { active: false });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ id: customer.id, name: 'Renamed Corp', active: false, organizationId: null });

      const after = await gw.inject({
        method: 'POST',
        url: '/publish/allevents',
        headers: publisher.auth,
        payload: event(customer.id),
      });
      expect(after.statusCode).toBe(400);
      expect(after.json()).toEqual({ message: 'Data has been sent for inactive customer' });

      const reactivated = await patch(`/api/v1/admin/customers/${customer.id}`, { active: true });
      expect(reactivated.statusCode).toBe(200);
      const again = await gw.inject({
        method: 'POST',
        url: '/publish/allevents',
        headers: publisher.auth,
        payload: event(customer.id),
      });
      expect(again.statusCode).toBe(200);
    });

    it('PATCH of an unknown customer is 404 with a message', async () => {
      const res = await patch(`/api/v1/admin/customers/${uniqueId('nobody')}`, { name: 'Ghost' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ message: expect.any(String) });
    });

    it('PATCH with a wrongly typed field is 400 Invalid payload', async () => {
      const customer = await createCustomer(gw.prisma);
      const res = await patch(`/api/v1/admin/customers/${customer.id}`, { active: 'no' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        message: 'Invalid payload',
        errors: [expect.objectContaining({ field: 'active' })],
      });
      expect((await gw.prisma.customer.findUnique({ where: { id: customer.id } }))?.active).toBe(true);
    });

    it('GET lists customers as {results, totalCount} with pageNum/itemsPerPage paging', async () => {
      for (let i = 0; i < 3; i++) await createCustomer(gw.prisma);
      // Other test files share the database: compare pages with a listing taken while nothing changed.
      const { all, pages } = await stableListing('/api/v1/admin/customers', 2, 2);
      expect(all.totalCount).toBeGreaterThanOrEqual(3);
      expect(all.results).toHaveLength(Math.min(all.totalCount, 500));
      for (const c of all.results) expect(Object.keys(c).sort()).toEqual(['active', 'id', 'name', 'organizationId']);
      expect(pages[0]).toEqual({ results: all.results.slice(0, 2), totalCount: all.totalCount });
      expect(pages[1]).toEqual({ results: all.results.slice(2, 4), totalCount: all.totalCount });

      const defaults = (await get('/api/v1/admin/customers')).json();
      expect(defaults.results.length).toBe(Math.min(defaults.totalCount, 100));

      const beyond = (await get('/api/v1/admin/customers?pageNum=100000&itemsPerPage=1')).json();
      expect(beyond).toEqual({ results: [], totalCount: expect.any(Number) });
      expect(beyond.totalCount).toBeGreaterThanOrEqual(all.totalCount);
    });

    it.each(['itemsPerPage=501', 'itemsPerPage=0', 'pageNum=0', 'pageNum=abc'])(
      'GET with %s is 400 Invalid payload',
      async (query) => {
        const res = await get(`/api/v1/admin/customers?${query}`);
        expect(res.statusCode).toBe(400);
        expect(res.json().message).toBe('Invalid payload');
        expect(res.json().errors).toEqual(
          expect.arrayContaining([expect.objectContaining({ field: query.split('=')[0] })]),
        );
      },
    );

    it('GET with itemsPerPage=500 is accepted', async () => {
      const res = await get('/api/v1/admin/customers?itemsPerPage=500');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.totalCount).toBeGreaterThanOrEqual(1);
      expect(body.results).toHaveLength(Math.min(body.totalCount, 500));
    });
  });

  describe('users', () => {
    it('POST creates a user: 201 the user, with no password or hash anywhere in the answer', async () => {
      const c1 = await createCustomer(gw.prisma);
      const c2 = await createCustomer(gw.prisma);
      const dto = newUser({ isAdmin: true, customers: [c2.id, c1.id, c1.id] });
      const res = await post('/api/v1/admin/users', dto);
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toEqual({
        id: expect.any(String),
        email: dto.email,
        name: 'NiFi connector',
        type: 'API',
        isSuperadmin: false,
        isAdmin: true,
        disabled: false,
        customers: [c1.id, c2.id].sort(),
      });
      expect(res.body).not.toMatch(/password/i);
      expect(res.body).not.toContain(dto.password);
      expect(res.body).not.toContain('$argon2');
      const row = await gw.prisma.user.findUnique({ where: { id: body.id } });
      expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    });

    it('the created user can log in with Basic and gets its identity back', async () => {
      const dto = newUser({ name: 'Login tester' });
      expect((await post('/api/v1/admin/users', dto)).statusCode).toBe(201);
      const res = await gw.inject({
        method: 'POST',
        url: '/api/v1/user/token',
        headers: { authorization: basic(dto.email, dto.password) },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toMatchObject({ email: dto.email, name: 'Login tester', is_superadmin: false });
    });

    it('POST lowercases the email; a second user with the same email in other case is 409', async () => {
      const local = uniqueId('MixedCase');
      const res = await post('/api/v1/admin/users', newUser({ email: `${local}@Example.COM` }));
      expect(res.statusCode).toBe(201);
      expect(res.json().email).toBe(`${local.toLowerCase()}@example.com`);

      const dup = await post(
        '/api/v1/admin/users',
        newUser({ email: `${local.toLowerCase()}@example.com`, name: 'Someone else' }),
      );
      expect(dup.statusCode).toBe(409);
      expect(dup.json()).toEqual({ message: expect.stringContaining(`${local.toLowerCase()}@example.com`) });
      expect(await gw.prisma.user.count({ where: { email: `${local.toLowerCase()}@example.com` } })).toBe(1);
    });

    it('POST with unknown customer ids is 400 naming them, and creates nothing', async () => {
      const known = await createCustomer(gw.prisma);
      const ghost1 = uniqueId('ghost');
      const ghost2 = uniqueId('ghost');
      const dto = newUser({ customers: [known.id, ghost1, ghost2] });
      const res = await post('/api/v1/admin/users', dto);
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.message).toBe('Invalid payload');
      expect(body.errors).toEqual([expect.objectContaining({ field: 'customers' })]);
      expect(body.errors[0].error).toContain(ghost1);
      expect(body.errors[0].error).toContain(ghost2);
      expect(body.errors[0].error).not.toContain(known.id);
      expect(await gw.prisma.user.count({ where: { email: dto.email } })).toBe(0);
    });

    it.each([
      ['email', { email: undefined }],
      ['email', { email: 'not-an-email' }],
      ['name', { name: undefined }],
      ['password', { password: undefined }],
      ['password', { password: 'short' }],
      ['type', { type: undefined }],
      ['type', { type: 'ROBOT' }],
      ['customers', { customers: undefined }],
      ['customers', { customers: 'acme' }],
    ])('POST with a missing or bad %s is 400 Invalid payload naming it (%j)', async (field, overrides) => {
      const dto = newUser(overrides);
      const res = await post('/api/v1/admin/users', dto);
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toBe('Invalid payload');
      expect(res.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      if (typeof dto.email === 'string')
        expect(await gw.prisma.user.count({ where: { email: dto.email.toLowerCase() } })).toBe(0);
    });

    it('POST with an unknown field is 400 (no silently ignored isSuperadmin typos)', async () => {
      const res = await post('/api/v1/admin/users', newUser({ superadmin: true }));
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        message: 'Invalid payload',
        errors: [expect.objectContaining({ field: 'superadmin' })],
      });
    });

    it('PATCH changes name, type, isAdmin and customers: 200 the user', async () => {
      const c1 = await createCustomer(gw.prisma);
      const c2 = await createCustomer(gw.prisma);
      const created = (await post('/api/v1/admin/users', newUser({ customers: [c1.id] }))).json();
      const res = await patch(`/api/v1/admin/users/${created.id}`, {
        name: 'Dashboard viewer',
        type: 'UI',
        isAdmin: true,
        customers: [c2.id],
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        ...created,
        name: 'Dashboard viewer',
        type: 'UI',
        isAdmin: true,
        customers: [c2.id],
      });
      expect(res.body).not.toMatch(/password/i);
      const row = await gw.prisma.user.findUnique({ where: { id: created.id }, include: { customers: true } });
      expect(row).toMatchObject({ name: 'Dashboard viewer', type: 'UI', isAdmin: true });
      expect(row!.customers.map((c) => c.customerId)).toEqual([c2.id]);

      const cleared = await patch(`/api/v1/admin/users/${created.id}`, { customers: [] });
      expect(cleared.statusCode).toBe(200);
      expect(cleared.json().customers).toEqual([]);
      expect(cleared.json().name).toBe('Dashboard viewer');
    });

    it('PATCH takes effect at once on the publish path: a user turned UI gets 403, one losing a customer 401', async () => {
      const customer = await createCustomer(gw.prisma);
      const { user, auth } = await apiUser(gw, [customer.id]);
      expect(
        (await gw.inject({ method: 'POST', url: '/publish/allevents', headers: auth, payload: event(customer.id) }))
          .statusCode,
      ).toBe(200);

      expect((await patch(`/api/v1/admin/users/${user.id}`, { customers: [] })).statusCode).toBe(200);
      const unmapped = await gw.inject({
        method: 'POST',
        url: '/publish/allevents',
        headers: auth,
        payload: event(customer.id),
      });
      expect(unmapped.statusCode).toBe(401);
      expect(unmapped.json()).toEqual({ message: 'User is not associated with the customer' });

      expect((await patch(`/api/v1/admin/users/${user.id}`, { type: 'UI', customers: [customer.id] })).statusCode).toBe(
        200,
      );
      const ui = await gw.inject({
        method: 'POST',
        url: '/publish/allevents',
        headers: auth,
        payload: event(customer.id),
      });
      expect(ui.statusCode).toBe(403);
      expect(ui.json()).toEqual({ message: 'Access denied' });
    });

    it('PATCH with unknown customer ids is 400 naming them and changes nothing', async () => {
      const c1 = await createCustomer(gw.prisma);
      const created = (await post('/api/v1/admin/users', newUser({ customers: [c1.id] }))).json();
      const ghost = uniqueId('ghost');
      const res = await patch(`/api/v1/admin/users/${created.id}`, { name: 'Changed?', customers: [ghost] });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toBe('Invalid payload');
      expect(res.json().errors[0].error).toContain(ghost);
      const row = await gw.prisma.user.findUnique({ where: { id: created.id }, include: { customers: true } });
      expect(row?.name).toBe('NiFi connector');
      expect(row!.customers.map((c) => c.customerId)).toEqual([c1.id]);
    });

    it.each([
      ['password', { password: 'short' }],
      ['type', { type: 'ROBOT' }],
      ['disabled', { disabled: 'yes' }],
      ['email', { email: 'new@example.com' }],
      ['isSuperadmin', { isSuperadmin: true }],
    ])('PATCH with a bad or unchangeable %s is 400 Invalid payload', async (field, payload) => {
      const created = (await post('/api/v1/admin/users', newUser())).json();
      const res = await patch(`/api/v1/admin/users/${created.id}`, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        message: 'Invalid payload',
        errors: expect.arrayContaining([expect.objectContaining({ field })]),
      });
      expect(await gw.prisma.user.findUnique({ where: { id: created.id } })).toMatchObject({
        email: created.email,
        isSuperadmin: false,
        type: 'API',
      });
    });

    it.each(['00000000-0000-4000-8000-000000000000', 'not-a-uuid'])(
      'PATCH of an unknown user (%s) is 404',
      async (id) => {
        const res = await patch(`/api/v1/admin/users/${id}`, { name: 'Ghost' });
        expect(res.statusCode).toBe(404);
        expect(res.json()).toEqual({ message: 'User not found' });
      },
    );

    it('PATCH password: the old one fails, the new one works, and existing sessions end', async () => {
      const dto = newUser();
      const created = (await post('/api/v1/admin/users', dto)).json();
      const session = await login(gw, dto.email, dto.password);

      const res = await patch(`/api/v1/admin/users/${created.id}`, { password: 'a brand new password' });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toMatch(/password/i);

      const old = await gw.inject({
        method: 'POST',
        url: '/api/v1/user/token',
        headers: { authorization: basic(dto.email, dto.password) },
      });
      expect(old.statusCode).toBe(401);
      expect(old.json()).toMatchObject({ detail: 'Invalid username/password' });

      const fresh = await gw.inject({
        method: 'POST',
        url: '/api/v1/user/token',
        headers: { authorization: basic(dto.email, 'a brand new password') },
      });
      expect(fresh.statusCode).toBe(200);

      const refresh = await gw.inject({
        method: 'POST',
        url: '/api/v1/user/token/refresh',
        payload: { refresh_token: session.refreshToken },
      });
      expect(refresh.statusCode).toBe(401);
      expect(refresh.json()).toEqual({ message: 'Invalid refresh token' });

      // The access token of the ended session is refused too (its family is revoked).
      const customer = await createCustomer(gw.prisma);
      const publish = await gw.inject({
        method: 'POST',
        url: '/publish/allevents',
        headers: { authorization: `Bearer ${session.accessToken}` },
        payload: event(customer.id),
      });
      expect(publish.statusCode).toBe(401);
      expect(publish.json()).toEqual({ message: 'Invalid access token' });
    });

    it('PATCH disabled: the user cannot log in, its sessions end; enabling again lets it log in', async () => {
      const dto = newUser();
      const created = (await post('/api/v1/admin/users', dto)).json();
      const session = await login(gw, dto.email, dto.password);

      const res = await patch(`/api/v1/admin/users/${created.id}`, { disabled: true });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: created.id, disabled: true });

      const denied = await gw.inject({
        method: 'POST',
        url: '/api/v1/user/token',
        headers: { authorization: basic(dto.email, dto.password) },
      });
      expect(denied.statusCode).toBe(401);
      expect(denied.json()).toMatchObject({ detail: 'Invalid username/password' });

      const refresh = await gw.inject({
        method: 'POST',
        url: '/api/v1/user/token/refresh',
        payload: { refresh_token: session.refreshToken },
      });
      expect(refresh.statusCode).toBe(401);
      expect(refresh.json()).toEqual({ message: 'Invalid refresh token' });

      const enabled = await patch(`/api/v1/admin/users/${created.id}`, { disabled: false });
      expect(enabled.statusCode).toBe(200);
      expect(enabled.json().disabled).toBe(false);
      const back = await gw.inject({
        method: 'POST',
        url: '/api/v1/user/token',
        headers: { authorization: basic(dto.email, dto.password) },
      });
      expect(back.statusCode).toBe(200);
    });

    it('GET lists users as {results, totalCount}, paged, never with a password', async () => {
      await createUser(gw.prisma);
      await createUser(gw.prisma);
      const { all, pages, raw } = await stableListing('/api/v1/admin/users', 2, 1);
      expect(all.totalCount).toBeGreaterThanOrEqual(3);
      expect(all.results).toHaveLength(Math.min(all.totalCount, 500));
      for (const u of all.results) {
        expect(Object.keys(u).sort()).toEqual([
          'customers',
          'disabled',
          'email',
          'id',
          'isAdmin',
          'isSuperadmin',
          'name',
          'type',
        ]);
      }
      expect(pages[0]).toEqual({ results: all.results.slice(0, 2), totalCount: all.totalCount });
      expect(raw).not.toMatch(/password/i);
      expect(raw).not.toContain('$argon2');
      expect((await get('/api/v1/admin/users?itemsPerPage=501')).statusCode).toBe(400);
    });
  });

  describe('access', () => {
    const NOPE = uniqueId('nope');
    const someUuid = '00000000-0000-4000-8000-000000000000';
    const routes: [string, string, unknown][] = [
      ['POST', '/api/v1/admin/organizations', { name: NOPE }],
      ['GET', '/api/v1/admin/organizations', undefined],
      ['POST', '/api/v1/admin/customers', { name: NOPE }],
      ['PATCH', '/api/v1/admin/customers/some-customer', { name: NOPE }],
      ['GET', '/api/v1/admin/customers', undefined],
      [
        'POST',
        '/api/v1/admin/users',
        { email: `${NOPE}@example.com`, name: NOPE, password: 'long enough pw', type: 'API', customers: [] },
      ],
      ['PATCH', `/api/v1/admin/users/${someUuid}`, { name: NOPE }],
      ['GET', '/api/v1/admin/users', undefined],
    ];
    const call = (method: string, url: string, payload: unknown, headers: Record<string, string>) =>
      gw.inject({
        method: method as 'GET',
        url,
        headers,
        ...(payload === undefined ? {} : { payload: payload as object }),
      });

    it.each(routes)('%s %s without a token is 401 Missing access token', async (method, url, payload) => {
      const res = await call(method, url, payload, {});
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ message: 'Missing access token' });
    });

    it.each(routes)('%s %s with a forged token is 401 Invalid access token', async (method, url, payload) => {
      const res = await call(method, url, payload, {
        authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bm9wZQ',
      });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ message: 'Invalid access token' });
    });

    it.each(routes)(
      '%s %s as a non-superadmin API user (even an isAdmin one) is 403 Access denied',
      async (method, url, payload) => {
        const customer = await createCustomer(gw.prisma);
        const { auth } = await apiUser(gw, [customer.id], { isAdmin: true });
        const res = await call(method, url, payload, auth);
        expect(res.statusCode).toBe(403);
        expect(res.json()).toEqual({ message: 'Access denied' });
        expect(await gw.prisma.organization.count({ where: { name: NOPE } })).toBe(0);
        expect(await gw.prisma.customer.count({ where: { name: NOPE } })).toBe(0);
        expect(await gw.prisma.user.count({ where: { name: NOPE } })).toBe(0);
      },
    );

    it.each(routes)('%s %s as a non-superadmin UI user is 403 Access denied', async (method, url, payload) => {
      const { auth } = await apiUser(gw, [], { type: 'UI' });
      const res = await call(method, url, payload, auth);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ message: 'Access denied' });
    });

    it('the access token is also taken from the access_token cookie', async () => {
      const { accessToken } = await apiUser(gw, [], { isSuperadmin: true });
      const res = await gw.inject({
        method: 'GET',
        url: '/api/v1/admin/organizations',
        cookies: { access_token: accessToken },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ results: expect.any(Array), totalCount: expect.any(Number) });
    });

    // Spec §5 keeps UI users off §2–§4 only; the admin API (§5) is decided by isSuperadmin alone,
    // so a UI-type superadmin administers, while it still may not publish.
    it('a UI-type superadmin may use the admin API but not the publish API', async () => {
      const { auth } = await apiUser(gw, [], { type: 'UI', isSuperadmin: true });
      const id = uniqueId('by-ui-admin');
      const created = await post('/api/v1/admin/customers', { id, name: 'Made by a UI superadmin' }, auth);
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ id, active: true });
      const list = await get('/api/v1/admin/users', auth);
      expect(list.statusCode).toBe(200);

      const publish = await gw.inject({ method: 'POST', url: '/publish/allevents', headers: auth, payload: event(id) });
      expect(publish.statusCode).toBe(403);
      expect(publish.json()).toEqual({ message: 'Access denied' });
    });

    it('a superadmin that was disabled loses the admin API at once', async () => {
      const { user, auth } = await apiUser(gw, [], { isSuperadmin: true });
      expect((await get('/api/v1/admin/customers', auth)).statusCode).toBe(200);
      expect((await patch(`/api/v1/admin/users/${user.id}`, { disabled: true })).statusCode).toBe(200);
      const res = await get('/api/v1/admin/customers', auth);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ message: 'Invalid access token' });
    });
  });

  it('every answer carries an x-request-id header, success or error', async () => {
    const answers = await Promise.all([
      get('/api/v1/admin/customers'),
      post('/api/v1/admin/customers', { id: 'bad id', name: 'x' }),
      get('/api/v1/admin/users', {}),
      gw.inject({
        method: 'POST',
        url: '/api/v1/user/token',
        headers: { authorization: basic('nobody@example.com', PASSWORD) },
      }),
    ]);
    expect(answers.map((r) => r.statusCode)).toEqual([200, 400, 401, 401]);
    const ids = answers.map((r) => r.headers['x-request-id']);
    for (const id of ids) expect(id).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
