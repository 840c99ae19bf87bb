import { Queue } from 'bullmq';
import Redis from 'ioredis';
import type { Response } from 'light-my-request';

import { QueueName } from '@sluice/queue';

import type { LogLine } from '../helpers/app-process';
import { AppProcess } from '../helpers/app-process';
import { apiUser, createCustomer, event } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import type { PostgresProcess } from '../helpers/postgres-process';
import { startPostgresProcess } from '../helpers/postgres-process';
import { eventually } from '../helpers/worker';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const UNAVAILABLE = { message: 'Service unavailable, retry later' };

const unreachable = (l: LogLine) => l.level === 40 && l.service === 'PostgreSQL' && /unreachable/.test(l.msg ?? '');
const reachable = (l: LogLine) => l.service === 'PostgreSQL' && /reachable again/.test(l.msg ?? '');

/**
 * PostgreSQL going away, on a cluster of this file's own that the test stops (`pg_ctl stop -m
 * fast`) and starts again: publishing goes on from the gateway's cached access data (503 with
 * Retry-After where it has none, never a 500), the worker lives on, waits, says so once, and
 * stores every acknowledged record exactly once when the database is back. A worker started
 * while the database is down waits for it, then works.
 */
describe('PostgreSQL outage', () => {
  let pg: PostgresProcess;
  let gw: TestGateway;
  let worker: AppProcess;
  let cached: { customer: string; auth: Record<string, string> };
  let uncached: { customer: string; auth: Record<string, string> };
  let sent = 0;

  const publish = (who: { customer: string; auth: Record<string, string> }, n = 1) => {
    const records = Array.from({ length: n }, () => event(who.customer, { ieventid: `out-${sent++}` }));
    return gw
      .inject({ method: 'POST', url: '/publish/allevents', headers: who.auth, payload: records })
      .then((res) => ({ res, records }));
  };
  const stored = () => gw.prisma.event.count({ where: { envcustomerid: cached.customer } });
  function expectUnavailable(res: Response) {
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual(UNAVAILABLE);
    expect(res.headers['retry-after']).toBe('3');
  }

  beforeAll(async () => {
    pg = await startPostgresProcess();
    // Access data is cached for 1 s: during the outage every entry expires and is served stale.
    gw = await startGateway({
      DATABASE_URL: pg.url,
      ACCESS_CACHE_TTL: '1',
      RETRY_AFTER_SECONDS: '3',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
    });
    const a = (await createCustomer(gw.prisma)).id;
    const b = (await createCustomer(gw.prisma)).id;
    cached = { customer: a, auth: (await apiUser(gw, [a])).auth };
    uncached = { customer: b, auth: (await apiUser(gw, [b])).auth };
  }, 30_000);

  afterAll(async () => {
    await worker?.stop();
    await pg?.start().catch(() => undefined);
    await gw?.close();
    await pg?.destroy();
  });

  it('a worker started while PostgreSQL is down waits, says so, then works', async () => {
    const warm = await publish(cached); // caches the user, the session and the customer
    expect(warm.res.statusCode).toBe(200);
    await pg.stop();

    worker = new AppProcess('worker', { DATABASE_URL: pg.url, REDIS_PREFIX: gw.redisPrefix });
    await worker.waitForLog(unreachable);
    await sleep(1100); // the gateway's cache entries have expired by now
    const during = await publish(cached, 5);
    expect(during.res.statusCode).toBe(200);
    expect(worker.alive).toBe(true);
    expect(worker.logs.some((l) => /worker ready/.test(l.msg ?? ''))).toBe(false);

    await pg.start();
    await worker.waitForLog((l) => /worker ready/.test(l.msg ?? ''));
    await eventually(stored, (n) => n === 6, 15_000);
  }, 30_000);

  it('publishing goes on under load while PostgreSQL is stopped; every 200 is stored once', async () => {
    const answers: { status: number; res: Response; phase: string }[] = [];
    const acknowledged: string[] = [];
    let phase = 'before';
    let running = true;
    const load = async () => {
      while (running) {
        const { res, records } = await publish(cached, 5);
        answers.push({ status: res.statusCode, res, phase });
        if (res.statusCode === 200) acknowledged.push(...records.map((r) => r.ieventid));
      }
    };
    const loops = Array.from({ length: 4 }, load);

    const uncachedDuringOutage: Response[] = [];
    let workerAliveDuringOutage = false;
    try {
      await sleep(500);
      await pg.stop();
      phase = 'down';
      await sleep(1500);
      // A user whose session and customer the gateway never saw: it cannot check them now.
      for (let i = 0; i < 3; i++) uncachedDuringOutage.push((await publish(uncached)).res);
      await sleep(500);
      workerAliveDuringOutage = worker.alive;
      await pg.start();
      phase = 'after';
      await sleep(1000);
    } finally {
      running = false;
      await Promise.all(loops);
    }
    uncachedDuringOutage.forEach(expectUnavailable);
    expect(workerAliveDuringOutage).toBe(true);

    expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
    for (const a of answers.filter((x) => x.status === 503)) expectUnavailable(a.res);
    expect(answers.filter((a) => a.phase === 'down' && a.status === 200).length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.phase === 'after' && a.status === 200).length).toBeGreaterThan(0);

    // Every acknowledged record stored once: as an event, and once in its alert's count.
    const total = acknowledged.length + 6;
    await eventually(stored, (n) => n === total, 20_000);
    const alert = await gw.prisma.alert.findFirstOrThrow({ where: { envcustomerid: cached.customer } });
    expect(alert.count).toBe(total);
    const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    const queue = new Queue(QueueName.Events, { connection, prefix: gw.queuePrefix });
    try {
      await eventually(
        () => queue.getJobCounts('wait', 'active', 'delayed'),
        (c) => c.wait + c.active + c.delayed === 0,
      );
      expect((await queue.getJobCounts('failed')).failed).toBe(0);
    } finally {
      await queue.close();
      connection.disconnect();
    }

    // The worker lived through both outages and said so once each, in its structured log.
    expect(worker.alive).toBe(true);
    await worker.waitForLog((l) => reachable(l) && worker.logs.filter(reachable).length === 2);
    expect(worker.logs.filter(unreachable)).toHaveLength(2);
    expect(worker.stderr).toBe('');
  }, 30_000);
});
