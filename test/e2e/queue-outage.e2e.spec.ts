import { Queue } from 'bullmq';
import Redis from 'ioredis';
import type { Response } from 'light-my-request';

import { QueueName } from '@sluice/queue';

import { apiUser, createCustomer, event, metric } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { freePort, RedisProcess } from '../helpers/redis-process';

/**
 * Spec §2 row 9: when the queue cannot take the data (Redis down or unresponsive, or the backlog
 * over QUEUE_MAX_BACKLOG) a publish answers 503 {"message": "Service unavailable, retry later"}
 * with Retry-After, at once, and works again when Redis is back.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const UNAVAILABLE = { message: 'Service unavailable, retry later' };

function expectUnavailable(res: Response, retryAfter: string) {
  expect(res.statusCode).toBe(503);
  expect(res.json()).toEqual(UNAVAILABLE);
  expect(res.headers['retry-after']).toBe(retryAfter);
  expect(res.headers['x-request-id']).toEqual(expect.any(String));
}

/** Calls `fn` until `done(result)` or the time is up; returns the last result. */
async function poll<T>(fn: () => Promise<T>, done: (r: T) => boolean, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await fn();
    if (done(result) || Date.now() > deadline) return result;
    await sleep(everyMs);
  }
}

describe('Redis outage (spec §2 row 9)', () => {
  let redis: RedisProcess;
  let gw: TestGateway;
  let auth: Record<string, string>;
  let customerId: string;
  // The test's own view of the events queue (with an error listener: Redis goes away on purpose).
  let connection: Redis;
  let events: Queue;
  const queuedIds = async () => (await events.getJobs(['wait'])).map((j) => j.id);

  const publish = () =>
    gw.inject({ method: 'POST', url: '/publish/allevents', headers: auth, payload: event(customerId) });

  beforeAll(async () => {
    redis = new RedisProcess(await freePort());
    await redis.start();
    gw = await startGateway({ REDIS_URL: redis.url, RETRY_AFTER_SECONDS: '7', QUEUE_ADD_TIMEOUT_MS: '500' });
    customerId = (await createCustomer(gw.prisma)).id;
    ({ auth } = await apiUser(gw, [customerId]));
    connection = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    connection.on('error', () => undefined);
    events = new Queue(QueueName.Events, { connection, prefix: gw.queuePrefix });
    events.on('error', () => undefined);
  }, 30_000);

  afterAll(async () => {
    redis?.signal('SIGCONT');
    await events?.close().catch(() => undefined);
    connection?.disconnect();
    await gw?.close().catch(() => undefined);
    await redis?.kill();
  });

  it('publishes normally while Redis is up', async () => {
    const res = await publish();
    expect(res.statusCode).toBe(200);
    expect(await queuedIds()).toContain(res.json().requestId);
  });

  it('answers 503 with Retry-After, quickly, once Redis is killed', async () => {
    await redis.kill();
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const res = await publish();
      const took = Date.now() - started;
      expectUnavailable(res, '7');
      expect(took).toBeLessThan(3000);
    }
    // Every route that enqueues answers the same.
    const m = await gw.inject({ method: 'POST', url: '/publish/metrics', headers: auth, payload: metric(customerId) });
    expectUnavailable(m, '7');
  });

  it('still checks auth and validation first while Redis is down (401 / 400, not 503)', async () => {
    const noToken = await gw.inject({ method: 'POST', url: '/publish/allevents', payload: event(customerId) });
    expect(noToken.statusCode).toBe(401);
    expect(noToken.json()).toEqual({ message: 'Missing access token' });
    const invalid = await gw.inject({
      method: 'POST',
      url: '/publish/allevents',
      headers: auth,
      payload: { envcustomerid: customerId },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().message).toBe('Invalid payload');
  });

  it('reports not ready while Redis is down', async () => {
    const res = await gw.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json().message).toEqual(expect.any(String));
    const live = await gw.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
  });

  it('publishes again within seconds once Redis is back on the same port', async () => {
    await redis.start();
    const res = await poll(publish, (r) => r.statusCode === 200, 15_000, 200);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ message: 'Data published successfully', count: 1, requestId: expect.any(String) });
    // The restarted Redis has no persistence: the only job is the one just accepted.
    expect(await poll(queuedIds, (ids) => ids.length > 0, 5000)).toEqual([res.json().requestId]);
    const ready = await poll(
      () => gw.inject({ method: 'GET', url: '/health/ready' }),
      (r) => r.statusCode === 200,
      5000,
    );
    expect(ready.statusCode).toBe(200);
  });

  it('answers 503 within QUEUE_ADD_TIMEOUT_MS bounds when Redis hangs (SIGSTOP), and recovers on SIGCONT', async () => {
    expect((await publish()).statusCode).toBe(200);
    redis.signal('SIGSTOP');
    try {
      const started = Date.now();
      const res = await publish();
      const took = Date.now() - started;
      expectUnavailable(res, '7');
      // The connection still looks ready, so this is the QUEUE_ADD_TIMEOUT_MS (500 ms) path.
      expect(took).toBeGreaterThanOrEqual(450);
      expect(took).toBeLessThan(3000);

      const readyStarted = Date.now();
      const ready = await gw.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(Date.now() - readyStarted).toBeLessThan(5000);
    } finally {
      redis.signal('SIGCONT');
    }
    const back = await poll(publish, (r) => r.statusCode === 200, 10_000, 200);
    expect(back.statusCode).toBe(200);
  });
});

describe('queue backlog bound (QUEUE_MAX_BACKLOG)', () => {
  let gw: TestGateway;
  let auth: Record<string, string>;
  let customerId: string;
  let connection: Redis;
  let events: Queue;

  beforeAll(async () => {
    gw = await startGateway({ QUEUE_MAX_BACKLOG: '1', RETRY_AFTER_SECONDS: '3' });
    customerId = (await createCustomer(gw.prisma)).id;
    ({ auth } = await apiUser(gw, [customerId]));
    connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    events = new Queue(QueueName.Events, { connection, prefix: gw.queuePrefix });
  });
  afterAll(async () => {
    await events?.close();
    connection?.disconnect();
    await gw?.close();
  });

  const publish = () =>
    gw.inject({ method: 'POST', url: '/publish/allevents', headers: auth, payload: event(customerId) });

  it('answers 503 once more jobs wait than the bound, and recovers when the queue drains', async () => {
    expect((await publish()).statusCode).toBe(200);
    expect((await publish()).statusCode).toBe(200);
    expect((await gw.jobs(QueueName.Events)).length).toBeGreaterThanOrEqual(2);

    // The backlog is sampled once a second: within about 2 s publishing is refused.
    const refused = await poll(publish, (r) => r.statusCode === 503, 10_000, 100);
    expectUnavailable(refused, '3');
    const waiting = (await gw.jobs(QueueName.Events)).map((j) => j.id);
    expect(waiting).not.toContain(refused.headers['x-request-id']);

    // The bound is per queue: metrics, with nothing waiting, are still accepted.
    const m = await gw.inject({ method: 'POST', url: '/publish/metrics', headers: auth, payload: metric(customerId) });
    expect(m.statusCode).toBe(200);

    // Once the workers (here: a drain) empty the queue, publishing works again.
    await events.drain();
    const back = await poll(publish, (r) => r.statusCode === 200, 10_000, 100);
    expect(back.statusCode).toBe(200);
  });
});

describe('queue memory bound (QUEUE_MAX_MEMORY_MB)', () => {
  let gw: TestGateway;
  let auth: Record<string, string>;
  let customerId: string;

  beforeAll(async () => {
    // 1 MiB: an empty Redis already uses more (its own structures), so the bound is always over.
    gw = await startGateway({ QUEUE_MAX_MEMORY_MB: '1', RETRY_AFTER_SECONDS: '4' });
    customerId = (await createCustomer(gw.prisma)).id;
    ({ auth } = await apiUser(gw, [customerId]));
  });
  afterAll(() => gw?.close());

  it("answers 503 with Retry-After while Redis's memory is over the bound, and queues nothing", async () => {
    const publish = () =>
      gw.inject({ method: 'POST', url: '/publish/allevents', headers: auth, payload: event(customerId) });
    // Redis's memory is sampled once a second.
    const refused = await poll(publish, (r) => r.statusCode === 503, 10_000, 100);
    expectUnavailable(refused, '4');
    expect((await gw.jobs(QueueName.Events)).map((j) => j.id)).not.toContain(refused.headers['x-request-id']);
  });
});
