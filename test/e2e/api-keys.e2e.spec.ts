import { Client } from 'pg';

import { QueueName } from '@sluice/queue';

import { apiUser, basic, createCustomer, createUser, event, PASSWORD } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { drained } from '../helpers/queues';
import type { Json } from '../helpers/tenant';
import { startWorker } from '../helpers/worker';

/**
 * Spec §8.1: API keys — made with an access token or the password (never a key), shown once,
 * stored as a hash; accepted as Bearer, as the Basic password and as X-API-Key wherever their
 * scope allows (`publish` for §2, `read` for §6) and nowhere else; revoked or expired keys are
 * 401 at once; `lastUsedAt` without a write per request. Revocation across processes is in
 * gateway-cluster.e2e.spec.ts.
 */
/** Header sets, typed as the gateway's inject takes them. */
const headerForms = (...forms: Record<string, string>[]) => forms;

describe('API keys (spec §8.1)', () => {
  let gw: TestGateway;
  let customer: string;
  let user: Awaited<ReturnType<typeof apiUser>>;

  beforeAll(async () => {
    gw = await startGateway();
    customer = (await createCustomer(gw.prisma)).id;
    user = await apiUser(gw, [customer]);
  });
  afterAll(() => gw?.close());

  const createKey = async (body: Json, headers: Record<string, string> = user.auth, query = '') => {
    const res = await gw.inject({ method: 'POST', url: `/api/v1/apikeys${query}`, headers, payload: body });
    return res;
  };
  const keyOf = async (scopes: string[], extra: Json = {}): Promise<Json> => {
    const res = await createKey({ name: 'test', scopes, ...extra });
    expect(res.statusCode).toBe(201);
    return res.json<Json>();
  };
  const publishWith = (headers: Record<string, string>, envcustomerid = customer) =>
    gw.inject({ method: 'POST', url: '/publish/allevents', headers, payload: [event(envcustomerid)] });

  it('create: 201 with the key once; the list never shows it; only the hash is stored', async () => {
    const res = await createKey({
      name: ' alertmanager ',
      scopes: ['publish', 'read'],
      expiresAt: '2099-01-01T00:00:00Z',
    });
    expect(res.statusCode).toBe(201);
    const created = res.json<Json>();
    expect(created).toEqual({
      id: expect.any(String),
      name: 'alertmanager',
      scopes: ['publish', 'read'],
      expiresAt: '2099-01-01T00:00:00.000Z',
      createdAt: expect.any(String),
      lastUsedAt: null,
      key: expect.stringMatching(/^slk_[A-Za-z0-9_-]{43}$/),
    });
    const list = await gw.inject({ method: 'GET', url: '/api/v1/apikeys', headers: user.auth });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(created.key);
    expect(list.json<Json>().results).toContainEqual({ ...created, key: undefined });
    const row = await gw.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id as string } });
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.key);
  });

  it('create: 400 naming the field for a past expiresAt, unknown or no scopes, no name', async () => {
    const cases: [Json, string][] = [
      [{ name: 'k', scopes: ['publish'], expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
      [{ name: 'k', scopes: ['admin'] }, 'scopes'],
      [{ name: 'k', scopes: [] }, 'scopes'],
      [{ scopes: ['read'] }, 'name'],
      [{ name: 'k', scopes: ['read'], expiresAt: 'tomorrow' }, 'expiresAt'],
    ];
    for (const [body, field] of cases) {
      const res = await createKey(body);
      expect({ body, status: res.statusCode }).toEqual({ body, status: 400 });
      expect(res.json<Json>().errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
  });

  it('create with Basic and the password: 201; with a key (any form): 403', async () => {
    const withPassword = await createKey(
      { name: 'b', scopes: ['read'] },
      { authorization: basic(user.user.email, PASSWORD) },
    );
    expect(withPassword.statusCode).toBe(201);
    const { key } = await keyOf(['publish', 'read']);
    for (const headers of headerForms(
      { authorization: `Bearer ${key}` },
      { 'x-api-key': key as string },
      { authorization: basic(user.user.email, key as string) },
    )) {
      const res = await createKey({ name: 'c', scopes: ['read'] }, headers);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ message: 'Access denied' });
    }
    const wrong = await createKey({ name: 'b', scopes: ['read'] }, { authorization: basic(user.user.email, 'wrong') });
    expect(wrong.statusCode).toBe(401);
  });

  it('a publish key publishes in all three forms; the records are stored as the user’s', async () => {
    const worker = await startWorker(gw.redisPrefix);
    try {
      const { key } = await keyOf(['publish']);
      for (const headers of headerForms(
        { authorization: `Bearer ${key}` },
        { 'x-api-key': key as string },
        { authorization: basic(user.user.email, key as string) },
        { authorization: basic(user.user.email.toUpperCase(), key as string) },
      )) {
        const res = await publishWith(headers);
        expect({ headers, status: res.statusCode }).toEqual({ headers, status: 200 });
      }
      await drained(gw, QueueName.Events);
      expect(await gw.prisma.event.count({ where: { envcustomerid: customer } })).toBeGreaterThanOrEqual(4);
    } finally {
      await worker.close();
    }
  });

  it('scopes: publish keys read nothing, read keys publish nothing; no key administers anything', async () => {
    const { key: publishKey } = await keyOf(['publish']);
    const { key: readKey } = await keyOf(['read']);
    const read = (key: string) => gw.inject({ method: 'GET', url: '/api/v1/alerts', headers: { 'x-api-key': key } });
    expect((await read(readKey as string)).statusCode).toBe(200);
    expect((await read(publishKey as string)).statusCode).toBe(403);
    expect((await read(publishKey as string)).json()).toEqual({ message: 'Access denied' });
    expect((await publishWith({ 'x-api-key': readKey as string })).statusCode).toBe(403);
    const admin = await apiUser(gw, [], { isSuperadmin: true });
    const adminKey = (await createKey({ name: 'a', scopes: ['publish', 'read'] }, admin.auth)).json<Json>()
      .key as string;
    for (const url of [
      '/api/v1/admin/users',
      `/api/public/v1.0/groups/${customer}/integrations`,
      `/api/v2/tenants/${customer}/integrations/installed`,
    ]) {
      const res = await gw.inject({ method: 'GET', url, headers: { 'x-api-key': adminKey } });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 403 });
    }
  });

  it('unknown, malformed, revoked and expired keys are 401 "Invalid access token"; Basic with another email too', async () => {
    const invalid = { message: 'Invalid access token' };
    const { id, key } = await keyOf(['publish']);
    expect((await publishWith({ 'x-api-key': key as string })).statusCode).toBe(200);
    for (const headers of headerForms(
      { 'x-api-key': `slk_${'A'.repeat(43)}` },
      { 'x-api-key': 'slk_short' },
      { authorization: 'Bearer slk_' },
      { authorization: basic('someone.else@example.com', key as string) },
    )) {
      const res = await publishWith(headers);
      expect({ headers, status: res.statusCode, body: res.json<Json>() }).toEqual({
        headers,
        status: 401,
        body: invalid,
      });
    }
    const del = await gw.inject({ method: 'DELETE', url: `/api/v1/apikeys/${id as string}`, headers: user.auth });
    expect(del.statusCode).toBe(204);
    const revoked = await publishWith({ 'x-api-key': key as string });
    expect({ status: revoked.statusCode, body: revoked.json<Json>() }).toEqual({ status: 401, body: invalid });
    const again = await gw.inject({ method: 'DELETE', url: `/api/v1/apikeys/${id as string}`, headers: user.auth });
    expect(again.statusCode).toBe(404);

    const soon = await keyOf(['publish'], { expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await publishWith({ 'x-api-key': soon.key as string })).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect((await publishWith({ 'x-api-key': soon.key as string })).statusCode).toBe(401);
  });

  it("keys act as their user: another customer's records are 401; a disabled user's key stops", async () => {
    const other = (await createCustomer(gw.prisma)).id;
    const { key } = await keyOf(['publish']);
    expect((await publishWith({ 'x-api-key': key as string }, other)).statusCode).toBe(401);
    const someone = await apiUser(gw, [customer]);
    const theirs = (await createKey({ name: 'x', scopes: ['publish'] }, someone.auth)).json<Json>();
    await gw.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${someone.user.id}`,
      headers: (await apiUser(gw, [], { isSuperadmin: true })).auth,
      payload: { disabled: true },
    });
    expect((await publishWith({ 'x-api-key': theirs.key as string })).statusCode).toBe(401);
  });

  it("a superadmin manages anyone's keys with ?userId=; others only their own", async () => {
    const admin = await apiUser(gw, [], { isSuperadmin: true });
    const made = await createKey({ name: 'for-user', scopes: ['read'] }, admin.auth, `?userId=${user.user.id}`);
    expect(made.statusCode).toBe(201);
    const mine = await gw.inject({ method: 'GET', url: '/api/v1/apikeys', headers: user.auth });
    expect(mine.json<Json>().results.map((k: Json) => k.id)).toContain(made.json<Json>().id);
    const someone = await apiUser(gw, [customer]);
    const peek = await gw.inject({
      method: 'GET',
      url: `/api/v1/apikeys?userId=${user.user.id}`,
      headers: someone.auth,
    });
    expect(peek.statusCode).toBe(403);
    const steal = await gw.inject({
      method: 'DELETE',
      url: `/api/v1/apikeys/${made.json<Json>().id as string}`,
      headers: someone.auth,
    });
    expect(steal.statusCode).toBe(404);
  });

  it('lastUsedAt: no write per request; written for all keys used when the gateway stops', async () => {
    const own = await startGateway();
    const owner = await createUser(own.prisma, { customers: [customer] });
    const login = await own.inject({
      method: 'POST',
      url: '/api/v1/user/token',
      headers: { authorization: basic(owner.email, PASSWORD) },
    });
    const token = login.json<Json>().data.access_token as string;
    const made = await own.inject({
      method: 'POST',
      url: '/api/v1/apikeys',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'stamp', scopes: ['read'] },
    });
    const { id, key } = made.json<Json>();
    const before = Date.now();
    for (let i = 0; i < 5; i++) {
      const res = await own.inject({ method: 'GET', url: '/api/v1/alerts', headers: { 'x-api-key': key as string } });
      expect(res.statusCode).toBe(200);
    }
    expect((await own.prisma.apiKey.findUniqueOrThrow({ where: { id: id as string } })).lastUsedAt).toBeNull();
    await own.close();
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query<{ last_used_at: Date }>('SELECT last_used_at FROM api_keys WHERE id = $1', [id]);
      expect(rows[0].last_used_at.getTime()).toBeGreaterThanOrEqual(before - 5);
    } finally {
      await db.end();
    }
  });
});
