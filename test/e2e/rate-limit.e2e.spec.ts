import type { Response } from 'light-my-request';

import { QueueName } from '@sluice/queue';

import { apiUser, createCustomer, event, metric } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';

/** Spec §2 row 8: 429 {"message": "Too many requests"} with Retry-After, and nothing of it queued. */

const publishEvent = (gw: TestGateway, auth: Record<string, string>, customerId: string) =>
  gw.inject({ method: 'POST', url: '/publish/allevents', headers: auth, payload: event(customerId) });

function expectTooManyRequests(res: Response, windowSeconds: number) {
  expect(res.statusCode).toBe(429);
  expect(res.json()).toEqual({ message: 'Too many requests' });
  const retryAfter = res.headers['retry-after'];
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThan(0);
  expect(Number(retryAfter)).toBeLessThanOrEqual(windowSeconds);
  expect(res.headers['x-request-id']).toEqual(expect.any(String));
}

const jobIds = async (gw: TestGateway, queue: QueueName) => (await gw.jobs(queue)).map((j) => j.id);

describe('rate limit per user (RATE_LIMIT_USER)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ RATE_LIMIT_USER: '3', RATE_LIMIT_CUSTOMER: '0', RATE_LIMIT_WINDOW: '60' });
  });
  afterAll(() => gw.close());

  it('the 4th publish within the window is 429 with Retry-After, and is not queued', async () => {
    const customer = await createCustomer(gw.prisma);
    const { auth } = await apiUser(gw, [customer.id]);
    const accepted: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await publishEvent(gw, auth, customer.id);
      expect(res.statusCode).toBe(200);
      accepted.push(res.json().requestId);
    }
    const refused = await publishEvent(gw, auth, customer.id);
    expectTooManyRequests(refused, 60);

    const queued = await jobIds(gw, QueueName.Events);
    expect(queued).toEqual(expect.arrayContaining(accepted));
    expect(queued).not.toContain(refused.headers['x-request-id']);
    const ours = (await gw.jobs(QueueName.Events)).filter((j) => j.data.records[0].envcustomerid === customer.id);
    expect(ours).toHaveLength(3);

    // Still refused on the next try: the window has not ended.
    expectTooManyRequests(await publishEvent(gw, auth, customer.id), 60);
  });

  it('another user, even of the same customer, is not affected', async () => {
    const customer = await createCustomer(gw.prisma);
    const greedy = await apiUser(gw, [customer.id]);
    const other = await apiUser(gw, [customer.id]);
    for (let i = 0; i < 3; i++) expect((await publishEvent(gw, greedy.auth, customer.id)).statusCode).toBe(200);
    expectTooManyRequests(await publishEvent(gw, greedy.auth, customer.id), 60);

    for (let i = 0; i < 3; i++) expect((await publishEvent(gw, other.auth, customer.id)).statusCode).toBe(200);
    expectTooManyRequests(await publishEvent(gw, other.auth, customer.id), 60);
  });

  it('the limit is per user across all publish routes, not per route', async () => {
    const customer = await createCustomer(gw.prisma);
    const { auth } = await apiUser(gw, [customer.id]);
    expect((await publishEvent(gw, auth, customer.id)).statusCode).toBe(200);
    expect((await publishEvent(gw, auth, customer.id)).statusCode).toBe(200);
    const m = await gw.inject({ method: 'POST', url: '/publish/metrics', headers: auth, payload: metric(customer.id) });
    expect(m.statusCode).toBe(200);

    const refused = await gw.inject({
      method: 'POST',
      url: '/publish/metrics',
      headers: auth,
      payload: metric(customer.id, { value: 1 }),
    });
    expectTooManyRequests(refused, 60);
    expect(await jobIds(gw, QueueName.Metrics)).not.toContain(refused.headers['x-request-id']);
    expectTooManyRequests(await publishEvent(gw, auth, customer.id), 60);
  });

  it('the unauthenticated GET /publish/healthcheck is not limited', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await gw.inject({ method: 'GET', url: '/publish/healthcheck' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ message: 'API is running' });
    }
  });
});

describe('rate limit per customer (RATE_LIMIT_CUSTOMER)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ RATE_LIMIT_USER: '0', RATE_LIMIT_CUSTOMER: '2', RATE_LIMIT_WINDOW: '60' });
  });
  afterAll(() => gw.close());

  it('two users publishing for the same customer share its limit: the 3rd request is 429', async () => {
    const customer = await createCustomer(gw.prisma);
    const alice = await apiUser(gw, [customer.id]);
    const bob = await apiUser(gw, [customer.id]);
    const a = await publishEvent(gw, alice.auth, customer.id);
    const b = await publishEvent(gw, bob.auth, customer.id);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);

    const refused = await publishEvent(gw, alice.auth, customer.id);
    expectTooManyRequests(refused, 60);
    expectTooManyRequests(await publishEvent(gw, bob.auth, customer.id), 60);

    const ours = (await gw.jobs(QueueName.Events)).filter((j) => j.data.records[0].envcustomerid === customer.id);
    expect(ours.map((j) => j.id).sort()).toEqual([a.json().requestId, b.json().requestId].sort());
  });

  it('another customer of the same user is not affected', async () => {
    const busy = await createCustomer(gw.prisma);
    const quiet = await createCustomer(gw.prisma);
    const { auth } = await apiUser(gw, [busy.id, quiet.id]);
    expect((await publishEvent(gw, auth, busy.id)).statusCode).toBe(200);
    expect((await publishEvent(gw, auth, busy.id)).statusCode).toBe(200);
    expectTooManyRequests(await publishEvent(gw, auth, busy.id), 60);
    expect((await publishEvent(gw, auth, quiet.id)).statusCode).toBe(200);
  });

  it('with RATE_LIMIT_USER=0 a single user is limited only by the customer limit', async () => {
    const c1 = await createCustomer(gw.prisma);
    const c2 = await createCustomer(gw.prisma);
    const { auth } = await apiUser(gw, [c1.id, c2.id]);
    // 4 requests by one user, 2 per customer: all within the customer limits, and no user limit.
    for (const id of [c1.id, c2.id, c1.id, c2.id]) expect((await publishEvent(gw, auth, id)).statusCode).toBe(200);
  });
});

describe('rate limit window (RATE_LIMIT_WINDOW)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ RATE_LIMIT_USER: '1', RATE_LIMIT_CUSTOMER: '0', RATE_LIMIT_WINDOW: '4' });
  });
  afterAll(() => gw.close());

  it('once the window has passed the user may publish again', async () => {
    const customer = await createCustomer(gw.prisma);
    const { auth } = await apiUser(gw, [customer.id]);
    expect((await publishEvent(gw, auth, customer.id)).statusCode).toBe(200);
    const refused = await publishEvent(gw, auth, customer.id);
    expectTooManyRequests(refused, 4);
    await new Promise((r) => setTimeout(r, 4100));
    expect((await publishEvent(gw, auth, customer.id)).statusCode).toBe(200);
  });
});
