import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import type { Response } from 'light-my-request';

import { ALL_QUEUES, QueueName } from '@sluice/queue';

import { apiUser, createCustomer, createUser, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import type { Json } from '../helpers/tenant';
import { eventually } from '../helpers/worker';

/**
 * Hardening of the admin and integration routes (issue 10): nulls in PATCH bodies, concurrent
 * replacements of a user's customers, the failed-jobs filter over every queue the worker has,
 * and wrong JSON types anywhere in an integration body — each a 4xx naming the field, never a 500.
 */
describe('hardening: admin and integration bodies', () => {
  let gw: TestGateway;
  let admin: Record<string, string>;

  beforeAll(async () => {
    gw = await startGateway();
    admin = (await apiUser(gw, [], { isSuperadmin: true })).auth;
  });
  afterAll(() => gw.close());

  const send = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) =>
    gw.inject({ method, url, headers: admin, ...(payload !== undefined && { payload: payload as object }) });
  const notNull = (field: string) => ({
    message: 'Invalid payload',
    errors: [{ field, error: `${field} must not be null (leave it out to keep the current value)` }],
  });

  describe('null in PATCH bodies of users and customers', () => {
    it.each(['name', 'password', 'type', 'isAdmin', 'disabled', 'customers'])(
      'PATCH /admin/users/{id} with %s: null is 400 naming it, nothing changed',
      async (field) => {
        const customer = (await createCustomer(gw.prisma)).id;
        const user = await createUser(gw.prisma, { customers: [customer] });
        const before = await gw.prisma.user.findUnique({ where: { id: user.id }, include: { customers: true } });
        const res = await send('PATCH', `/api/v1/admin/users/${user.id}`, { [field]: null });
        expect([res.statusCode, res.json()]).toEqual([400, notNull(field)]);
        expect(await gw.prisma.user.findUnique({ where: { id: user.id }, include: { customers: true } })).toEqual(
          before,
        );
      },
    );

    it.each(['name', 'active'])(
      'PATCH /admin/customers/{id} with %s: null is 400 naming it, nothing changed',
      async (field) => {
        const customer = await createCustomer(gw.prisma);
        const res = await send('PATCH', `/api/v1/admin/customers/${customer.id}`, { [field]: null });
        expect([res.statusCode, res.json()]).toEqual([400, notNull(field)]);
        expect(await gw.prisma.customer.findUnique({ where: { id: customer.id } })).toEqual(customer);
      },
    );

    it('every null field is named at once, beside the other errors of the body', async () => {
      const user = await createUser(gw.prisma);
      const res = await send('PATCH', `/api/v1/admin/users/${user.id}`, { name: null, disabled: null, type: 'ROBOT' });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([
        notNull('name').errors[0],
        { field: 'type', error: 'type must be one of the following values: API, UI' },
        notNull('disabled').errors[0],
      ]);
    });

    it('POST bodies follow the same rule; organizationId null means "in no organization"', async () => {
      const active = await send('POST', '/api/v1/admin/customers', { name: 'Null active', active: null });
      expect([active.statusCode, active.json()]).toEqual([400, notNull('active')]);
      const user = await send('POST', '/api/v1/admin/users', {
        email: `${uniqueId('n')}@example.com`,
        name: 'N',
        password: 'long enough pw',
        type: 'API',
        customers: [],
        isAdmin: null,
      });
      expect([user.statusCode, user.json()]).toEqual([400, notNull('isAdmin')]);
      const noOrg = await send('POST', '/api/v1/admin/customers', { name: 'No org', organizationId: null });
      expect(noOrg.statusCode).toBe(201);
      expect(noOrg.json()).toMatchObject({ name: 'No org', organizationId: null, active: true });
    });

    it('an absent field is left as it is', async () => {
      const customer = await createCustomer(gw.prisma);
      const res = await send('PATCH', `/api/v1/admin/customers/${customer.id}`, { active: false });
      expect([res.statusCode, res.json()]).toEqual([
        200,
        { id: customer.id, name: customer.name, active: false, organizationId: null },
      ]);
    });
  });

  describe("concurrent replacements of a user's customers", () => {
    it('8 PATCHes at once are all 200, each answers its own set, the last one wins whole', async () => {
      const shared = (await createCustomer(gw.prisma)).id;
      const own = await Promise.all(Array.from({ length: 8 }, async () => (await createCustomer(gw.prisma)).id));
      const user = await createUser(gw.prisma, { customers: [shared, own[0]] });
      const sets = own.map((c, i) => (i % 2 === 0 ? [shared, c] : [c]));

      const answers = await Promise.all(
        sets.map((customers) => send('PATCH', `/api/v1/admin/users/${user.id}`, { customers })),
      );
      expect(answers.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
      answers.forEach((r, i) => expect([...r.json().customers].sort()).toEqual([...sets[i]].sort()));

      // Not a mix of several requests: exactly one request's set.
      const stored = (await gw.prisma.userCustomer.findMany({ where: { userId: user.id } }))
        .map((m) => m.customerId)
        .sort();
      expect(sets.map((s) => [...s].sort())).toContainEqual(stored);
    });
  });

  describe('GET /api/v1/admin/jobs/failed?queue=', () => {
    let redis: Redis;
    beforeAll(() => {
      redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    });
    afterAll(() => redis.disconnect());

    // Every queue but alert-actions: a user's failed action is not offered for replay.
    const LISTED = ALL_QUEUES.filter((q) => q !== QueueName.AlertActions);

    it.each(LISTED)('queue=%s lists (200)', async (queue) => {
      const res = await send('GET', `/api/v1/admin/jobs/failed?queue=${queue}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ results: expect.any(Array), totalCount: expect.any(Number) });
    });

    it('lists a failed maintenance job with its reason, and replays it', async () => {
      const queue = new Queue(QueueName.Maintenance, { connection: redis, prefix: gw.queuePrefix });
      // A stand-in for the worker's maintenance processor, whose run fails.
      const workerRedis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
      const worker = new Worker(
        QueueName.Maintenance,
        async () => {
          throw new Error('retention failed: disk full');
        },
        { connection: workerRedis, prefix: gw.queuePrefix },
      );
      try {
        const job = await queue.add('retention', {}, { attempts: 1, jobId: uniqueId('maint') });
        const list = await eventually(
          async () => (await send('GET', '/api/v1/admin/jobs/failed?queue=maintenance')).json(),
          (b) => b.totalCount === 1,
        );
        expect(list).toEqual({
          results: [
            {
              queue: 'maintenance',
              id: job.id,
              failedReason: 'retention failed: disk full',
              attemptsMade: 1,
              failedAt: expect.any(String),
              receivedAt: null,
              records: null,
            },
          ],
          totalCount: 1,
        });
        const unfiltered = (await send('GET', '/api/v1/admin/jobs/failed?itemsPerPage=500')).json();
        expect(unfiltered.results.map((j: Json) => j.id)).toContain(job.id);
        await worker.close();
        const retry = await send('POST', `/api/v1/admin/jobs/failed/${job.id}/retry`);
        expect(retry.statusCode).toBe(200);
        expect(await (await queue.getJob(job.id!))!.getState()).toBe('waiting');
      } finally {
        await worker.close();
        workerRedis.disconnect();
        await queue.obliterate({ force: true });
        await queue.close();
      }
    });

    it.each(['nope', QueueName.AlertActions])('any other name (%s) is 400 naming the allowed values', async (name) => {
      const res = await send('GET', `/api/v1/admin/jobs/failed?queue=${name}`);
      expect([res.statusCode, res.json()]).toEqual([
        400,
        {
          message: 'Invalid payload',
          errors: [{ field: 'queue', error: `queue must be one of ${LISTED.join(', ')}` }],
        },
      ]);
    });
  });

  describe('wrong JSON types in integration bodies', () => {
    const base = (tenantId: string) => `/api/v2/tenants/${tenantId}/integrations/installed`;
    const mapAttribute = {
      name: 'Status',
      thirdPartyAttrName: 'state',
      entityType: 'INCIDENT',
      thirdPartyEntityType: 'incident',
      attrValues: [{ attrValue: 'Resolved', thirdPartyAttrValue: '6' }],
    };
    /** A body that uses every field of the integration DTOs. */
    const full = (): Json => ({
      displayName: 'Everything',
      integration: { id: 'CUSTOM', name: 'Custom' },
      inboundConfig: {
        authentication: { authType: 'OAUTH2', role: { uniqueId: 'ROLE-1' } },
        mapAttributes: [mapAttribute],
      },
      outboundConfig: {
        mapAttributes: [mapAttribute],
        minSeverity: 3,
        baseNotifier: {
          type: 'REST_API',
          baseURI: 'https://itsm.example.com',
          authType: 'JWT',
          grantType: 'PASSWORD',
          userName: 'u',
          password: 'p',
          apiKey: 'k',
          apiSecret: 's',
          refreshToken: 'r',
          accessTokenURL: 'https://itsm.example.com/token',
          tokenURL: 'https://itsm.example.com/login',
          tokenPayload: { user: 'u' },
          tokenHeaders: [{ key: 'X-Key', value: 'v' }],
          tokensPath: [{ key: 'jwt', value: 'a.b' }],
          resourceAuthHeaders: [{ key: 'Authorization', value: 'Bearer $jwt' }],
        },
      },
    });

    /** Every path of a JSON value with the value there. */
    function paths(value: unknown, prefix = ''): [string, unknown][] {
      if (value === null || typeof value !== 'object') return [];
      return Object.entries(value).flatMap(([k, v]) => {
        const path = prefix ? `${prefix}.${k}` : k;
        return [[path, v] as [string, unknown], ...paths(v, path)];
      });
    }
    function withValue(body: Json, path: string, value: unknown): Json {
      const copy = structuredClone(body);
      const keys = path.split('.');
      const parent = keys.slice(0, -1).reduce((o, k) => o[k], copy);
      parent[keys[keys.length - 1]] = value;
      return copy;
    }
    /** Values of another JSON type than the valid one. */
    function wrongTypes(valid: unknown): unknown[] {
      if (Array.isArray(valid)) return [{}, 'x', 7, true, [[]], [7]];
      if (typeof valid === 'object') return [[], 'x', 7, true];
      if (typeof valid === 'string') return [7, true, {}, ['x']];
      return ['4', true, {}, []];
    }
    const PAYLOAD = 'outboundConfig.baseNotifier.tokenPayload';
    const cases = (): [string, unknown][] =>
      paths(full())
        // What is inside tokenPayload is the ITSM's business: any JSON.
        .filter(([path]) => !path.startsWith(`${PAYLOAD}.`))
        .flatMap(([path, valid]) =>
          wrongTypes(valid)
            // tokenPayload is an object or a string: both are right.
            .filter((v) => !(path === PAYLOAD && typeof v === 'string'))
            .map((v) => [path, v] as [string, unknown]),
        );

    const expectNamed = (res: Response, path: string) => {
      expect({ path, status: res.statusCode }).toEqual({ path, status: 400 });
      const body = res.json();
      expect(body.message).toBe('Invalid payload');
      // The field itself, or the list it is an item of.
      const named = body.errors.map((e: Json) => e.field);
      expect({ path, named: named.some((f: string) => f === path || f === path.replace(/\.\d+$/, '')) }).toEqual({
        path,
        named: true,
      });
    };

    it('the full body itself is valid', async () => {
      const t = (await createCustomer(gw.prisma)).id;
      const res = await send('POST', base(t), full());
      expect(res.statusCode).toBe(201);
    });

    it('{"integration": []} on install is 400 naming integration', async () => {
      const t = (await createCustomer(gw.prisma)).id;
      const res = await send('POST', base(t), { integration: [] });
      expect([res.statusCode, res.json()]).toEqual([
        400,
        { message: 'Invalid payload', errors: [{ field: 'integration', error: 'integration must be an object' }] },
      ]);
      expect(await gw.prisma.integration.count({ where: { tenantId: t } })).toBe(0);
    });

    it('mapAttributes: [[]] is 400 naming the list', async () => {
      const t = (await createCustomer(gw.prisma)).id;
      const res = await send('POST', base(t), {
        integration: { id: 'CUSTOM' },
        inboundConfig: { mapAttributes: [[]] },
      });
      expect([res.statusCode, res.json()]).toEqual([
        400,
        {
          message: 'Invalid payload',
          errors: [{ field: 'inboundConfig.mapAttributes', error: 'each item of mapAttributes must be an object' }],
        },
      ]);
    });

    it('a wrong type at any path of an install body is 400 naming it, nothing stored', async () => {
      const t = (await createCustomer(gw.prisma)).id;
      const all = cases();
      expect(all.length).toBeGreaterThan(150);
      for (const [path, value] of all) expectNamed(await send('POST', base(t), withValue(full(), path, value)), path);
      expect(await gw.prisma.integration.count({ where: { tenantId: t } })).toBe(0);
    });

    it('a wrong type at any path of an update (POST and PUT) is 400 naming it, nothing changed', async () => {
      const t = (await createCustomer(gw.prisma)).id;
      const created = await send('POST', base(t), full());
      expect(created.statusCode).toBe(201);
      const id = created.json().id;
      const before = await gw.prisma.integration.findUnique({ where: { id } });
      const body = { ...full(), id };
      for (const [path, value] of [...cases(), ['id', 7], ['id', {}]] as [string, unknown][]) {
        for (const method of ['POST', 'PUT'] as const)
          expectNamed(await send(method, `${base(t)}/${id}`, withValue(body, path, value)), path);
      }
      expect(await gw.prisma.integration.findUnique({ where: { id } })).toEqual(before);
    });
  });
});
