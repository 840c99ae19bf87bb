import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Queue } from 'bullmq';
import Redis from 'ioredis';

import { QueueName } from '@sluice/queue';

import { AppProcess } from '../helpers/app-process';
// Not from ./worker: that imports the worker's modules, whose figures would join this process's registry.
import { eventually } from '../helpers/eventually';
import { event, heartbeat } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import type { Sample } from '../helpers/prometheus';
import { parsePrometheus, scrape, valueOf } from '../helpers/prometheus';
import { drained } from '../helpers/queues';
import { freePort, startRedisProcess } from '../helpers/redis-process';
import type { Tenant } from '../helpers/tenant';
import { publish, tenant } from '../helpers/tenant';

/** The metric families (TYPE lines) an endpoint declares, whether or not they have samples yet. */
async function familiesAt(url: string): Promise<Set<string>> {
  const text = await (await fetch(url)).text();
  return new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]));
}

/**
 * Spec §10, `/metrics`: the gateway (in this process) and the worker (a process of its own, as in
 * production) each answer on a port of their own (not the API's) in Prometheus' text format, each
 * with its own figures, and the counters move when records are accepted, refused, processed and
 * failed.
 */
describe('Prometheus metrics (spec §10)', () => {
  let gw: TestGateway;
  let worker: AppProcess;
  let gatewayUrl: string;
  let workerUrl: string;
  let t: Tenant;

  beforeAll(async () => {
    const [gatewayPort, workerPort] = [await freePort(), await freePort()];
    gatewayUrl = `http://127.0.0.1:${gatewayPort}/metrics`;
    workerUrl = `http://127.0.0.1:${workerPort}/metrics`;
    gw = await startGateway({ METRICS_PORT: String(gatewayPort) });
    worker = new AppProcess('worker', { REDIS_PREFIX: gw.redisPrefix, METRICS_PORT: String(workerPort) });
    await worker.waitForLog((l) => /worker ready/.test(String(l.msg)));
    t = await tenant(gw);
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await gw?.close();
  });

  it("each process declares its own figures (README, Operate: the 'from' column)", async () => {
    const [gateway, workerFamilies] = [await familiesAt(gatewayUrl), await familiesAt(workerUrl)];
    const GATEWAY = ['sluice_records_accepted_total', 'sluice_records_refused_total', 'sluice_queue_jobs'];
    const WORKER = [
      'sluice_jobs_total',
      'sluice_job_duration_seconds',
      'sluice_ingest_lag_seconds',
      'sluice_deliveries_total',
      'sluice_adapters',
      'sluice_queue_jobs',
    ];
    expect(GATEWAY.filter((f) => !gateway.has(f))).toEqual([]);
    expect(WORKER.filter((f) => !workerFamilies.has(f))).toEqual([]);
    expect(['sluice_jobs_total', 'sluice_adapters'].filter((f) => gateway.has(f))).toEqual([]);
    expect(['sluice_records_accepted_total'].filter((f) => workerFamilies.has(f))).toEqual([]);
    for (const families of [gateway, workerFamilies]) expect(families.has('process_cpu_seconds_total')).toBe(true);
  });

  it('answers only GET /metrics on its own port, and the API port has no /metrics', async () => {
    const other = await fetch(gatewayUrl.replace('/metrics', '/'));
    expect(other.status).toBe(404);
    const post = await fetch(gatewayUrl, { method: 'POST' });
    expect(post.status).toBe(404);
    expect((await gw.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });

  it('the gateway counts records accepted and refused, by route and reason, and reports the queues', async () => {
    const before = await scrape(gatewayUrl);
    const accepted = (s: Sample[]) => valueOf(s, 'sluice_records_accepted_total', { route: '/publish/allevents' });
    const refused = (s: Sample[], reason: string) =>
      valueOf(s, 'sluice_records_refused_total', { route: '/publish/allevents', reason });

    await publish(t, 'allevents', [event(t.customer), event(t.customer), event(t.customer)]);
    const invalid = await gw.inject({
      method: 'POST',
      url: '/publish/allevents',
      headers: t.auth,
      payload: [event(t.customer), event(t.customer, { severity: 'dreadful' })],
    });
    expect(invalid.statusCode).toBe(400);
    const anonymous = await gw.inject({ method: 'POST', url: '/publish/allevents', payload: [event(t.customer)] });
    expect(anonymous.statusCode).toBe(401);

    const after = await scrape(gatewayUrl);
    expect(accepted(after) - accepted(before)).toBe(3);
    expect(refused(after, 'invalid') - refused(before, 'invalid')).toBe(2); // the batch's records
    expect(refused(after, 'unauthenticated') - refused(before, 'unauthenticated')).toBe(1); // body never read
    expect(after.some((s) => s.name === 'sluice_queue_jobs' && s.labels.queue === 'events')).toBe(true);
    // prom-client's process figures.
    expect(valueOf(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(after.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('the worker counts jobs by outcome, their durations and ingest lag, and failures', async () => {
    const before = await scrape(workerUrl);
    const completed = (s: Sample[]) => valueOf(s, 'sluice_jobs_total', { queue: 'events', outcome: 'completed' });
    const lagCount = (s: Sample[]) => valueOf(s, 'sluice_ingest_lag_seconds_count');

    await publish(t, 'allevents', [event(t.customer)]);
    await publish(t, 'allevents', [event(t.customer)]);
    await publish(t, 'healthcheck', [heartbeat(t.customer, { timestamp: new Date().toISOString() })]);
    await drained(gw, QueueName.Events, QueueName.Healthcheck);
    const after = await eventually(
      () => scrape(workerUrl),
      (s) => completed(s) - completed(before) >= 1 && lagCount(s) - lagCount(before) >= 2,
    );
    expect(valueOf(after, 'sluice_job_duration_seconds_count', { queue: 'events' })).toBeGreaterThanOrEqual(
      completed(after),
    );
    // Adapters by health, from the database: this test's heartbeat (sent now) made one UP.
    expect(valueOf(after, 'sluice_adapters', { status: 'UP' })).toBeGreaterThanOrEqual(1);
    expect(after.filter((x) => x.name === 'sluice_adapters').map((x) => x.labels.status)).toEqual(
      expect.arrayContaining(['UP', 'DOWN', 'DEGRADED', 'STALE']),
    );
    // Every lag observed is under the histogram's top bucket boundary of a minute.
    const within = valueOf(after, 'sluice_ingest_lag_seconds_bucket', { le: '60' });
    expect(within).toBe(lagCount(after));

    // A job the worker cannot process (not a batch of records) fails for good, and is counted.
    const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    const events = new Queue(QueueName.Events, { connection: redis, prefix: gw.queuePrefix });
    try {
      await events.add(QueueName.Events, { requestId: 'broken', records: 'not a batch' }, { attempts: 1 });
      const failed = (s: Sample[]) => valueOf(s, 'sluice_jobs_total', { queue: 'events', outcome: 'failed-permanent' });
      const seen = await eventually(
        () => scrape(workerUrl),
        (s) => failed(s) - failed(before) === 1,
      );
      expect(failed(seen) - failed(before)).toBe(1);
    } finally {
      await events.close();
      redis.disconnect();
    }
  });

  it('the Grafana dashboard (docs/grafana-dashboard.json) queries only figures Sluice exposes', async () => {
    const dashboard = JSON.parse(readFileSync(join(__dirname, '../../docs/grafana-dashboard.json'), 'utf8')) as {
      panels: { targets: { expr: string }[] }[];
    };
    const queried = new Set(
      dashboard.panels.flatMap((p) =>
        p.targets.flatMap((t) => t.expr.match(/\b(sluice|process|nodejs)_[a-z0-9_]+/g) ?? []),
      ),
    );
    // Every family each process declares (a counter with no sample yet has its TYPE line only),
    // a histogram's with its series.
    const families = [...(await familiesAt(gatewayUrl)), ...(await familiesAt(workerUrl))];
    const exposed = new Set(families.flatMap((f) => [f, `${f}_bucket`, `${f}_sum`, `${f}_count`]));
    expect([...queried].filter((name) => !exposed.has(name))).toEqual([]);
    expect(queried.size).toBeGreaterThan(10);
  });

  it('its parser refuses what is not the text format', () => {
    expect(parsePrometheus('# TYPE a counter\na{x="1"} 2\n')).toEqual([{ name: 'a', labels: { x: '1' }, value: 2 }]);
    for (const bad of ['a 1', '# TYPE a counter\na one', '# TYPE a counter\na{x=1} 2', '# nonsense']) {
      expect(() => parsePrometheus(bad)).toThrow(/line/);
    }
  });
});

describe('Prometheus metrics while Redis is away', () => {
  it("the worker's scrape answers at once, without the queue figures, and has them again when Redis is back", async () => {
    const redis = await startRedisProcess();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const worker = new AppProcess('worker', { REDIS_URL: redis.url, METRICS_PORT: String(port) });
    try {
      await worker.waitForLog((l) => /worker ready/.test(String(l.msg)));
      const queueSamples = (s: Sample[]) => s.filter((x) => x.name === 'sluice_queue_jobs').length;
      expect(queueSamples(await scrape(url))).toBeGreaterThan(0);

      await redis.kill();
      const started = Date.now();
      const during = await scrape(url);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(queueSamples(during)).toBe(0);
      expect(valueOf(during, 'process_resident_memory_bytes')).toBeGreaterThan(0);

      await redis.start();
      await eventually(
        () => scrape(url),
        (s) => queueSamples(s) > 0,
        20_000,
      );
    } finally {
      await worker.stop();
      await redis.kill();
    }
  }, 60_000);
});
