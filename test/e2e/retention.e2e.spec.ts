import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis from 'ioredis';

import { QueueName } from '@sluice/queue';

import { Retention } from '../../apps/worker/src/maintenance/retention.service';
import { ownDatabase } from '../helpers/database';
import { event, metric } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { drained } from '../helpers/queues';
import type { Tenant } from '../helpers/tenant';
import { get, publish, tenant } from '../helpers/tenant';
import { eventually, startWorker } from '../helpers/worker';

/**
 * Retention deletes old rows of every customer at once, and these tests move its clock days
 * ahead, so this file runs on a database of its own: it must not delete what test files running
 * beside it have just stored.
 */

const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface HistoryView {
  kind: string;
  at: string;
  toSeverity: number;
}

/**
 * Retention (RETENTION_EVENTS_DAYS, RETENTION_METRICS_DAYS, RETENTION_HISTORY_DAYS; 0 keeps
 * forever): events and metric samples are kept for their days after they were stored, alert
 * history for its days after the change it records. Old rows go, newer ones stay, as the read
 * API shows.
 */
describe('retention', () => {
  let db: { url: string; drop: () => Promise<void> };
  let gw: TestGateway;
  /** 7 days of events, 3 of samples, 10 of history. */
  let retain: INestApplicationContext;
  /** 0 everywhere: keep forever. */
  let keepAll: INestApplicationContext;
  /** Events and history forever, samples for 1 day. */
  let keepSome: INestApplicationContext;

  beforeAll(async () => {
    db = await ownDatabase('retention');
    gw = await startGateway({ DATABASE_URL: db.url });
    const common = { DATABASE_URL: db.url, MAINTENANCE_INTERVAL: '3600' };
    retain = await startWorker(gw.redisPrefix, {
      ...common,
      RETENTION_EVENTS_DAYS: '7',
      RETENTION_METRICS_DAYS: '3',
      RETENTION_HISTORY_DAYS: '10',
    });
    keepAll = await startWorker(gw.redisPrefix, {
      ...common,
      RETENTION_EVENTS_DAYS: '0',
      RETENTION_METRICS_DAYS: '0',
      RETENTION_HISTORY_DAYS: '0',
    });
    keepSome = await startWorker(gw.redisPrefix, {
      ...common,
      RETENTION_EVENTS_DAYS: '0',
      RETENTION_METRICS_DAYS: '1',
      RETENTION_HISTORY_DAYS: '0',
    });
  });
  afterAll(async () => {
    for (const w of [retain, keepAll, keepSome]) await w?.close();
    await gw?.close();
    await db?.drop();
  });

  const eventIds = async (t: Tenant) =>
    (await get(t, `/api/v1/events?customerid=${t.customer}`)).results
      .map((e: { ieventid: string }) => e.ieventid)
      .sort();
  const sampleValues = async (t: Tenant) =>
    (await get(t, `/api/v1/metrics?customerid=${t.customer}`)).results.map((s: { value: number }) => s.value);
  /** The customer's one alert with its history (undefined before it exists). */
  const alertOf = async (t: Tenant) => {
    const list = await get(t, `/api/v1/alerts?customerid=${t.customer}`);
    if (list.results.length === 0) return undefined;
    expect(list.totalCount).toBe(1);
    return get(t, `/api/v1/alerts/${list.results[0].id}`);
  };
  /** [kind, at] of each history entry of the customer's one alert, oldest first. */
  const historyOf = async (t: Tenant): Promise<string[][] | undefined> =>
    (await alertOf(t))?.history.map((h: HistoryView) => [h.kind, h.at]);
  /** Waits for the worker to store what was published; then the tenant has `events` and `samples`. */
  const storedCounts = async (t: Tenant, events: number, samples: number) => {
    await drained(gw, QueueName.Events, QueueName.Metrics);
    expect({ events: (await eventIds(t)).length, samples: (await sampleValues(t)).length }).toEqual({
      events,
      samples,
    });
  };

  /** The stored_at instants (ms) of a customer's events and samples, as the writers set them. */
  async function storedAt(customer: string) {
    const [events, samples] = await Promise.all([
      gw.prisma.event.findMany({ where: { envcustomerid: customer }, select: { ieventid: true, storedAt: true } }),
      gw.prisma.metricSample.findMany({ where: { envcustomerid: customer }, select: { value: true, storedAt: true } }),
    ]);
    return {
      events: new Map(events.map((e) => [e.ieventid, e.storedAt.getTime()])),
      samples: new Map(samples.map((s) => [s.value, s.storedAt.getTime()])),
    };
  }
  /** A whole millisecond strictly between the older and the newer rows. */
  const between = (older: number[], newer: number[]) => {
    const [a, b] = [Math.max(...older), Math.min(...newer)];
    expect(b - a).toBeGreaterThanOrEqual(2);
    return Math.floor((a + b) / 2);
  };

  it('deletes events, samples and history older than their own settings and keeps the newer ones', async () => {
    const t = await tenant(gw);
    const { customer } = t;
    const now = Date.now();
    const h1 = new Date(now - 2 * 3_600_000).toISOString(); // the alert opens
    const h2 = new Date(now - 1 * 3_600_000).toISOString(); // its severity changes

    // Older rows.
    await publish(t, 'allevents', [event(customer, { ieventid: 'ev-old', severity: 5, firstoccurrence: h1 })]);
    await publish(t, 'metrics', [
      metric(customer, { value: 1, timestamp: h1 }),
      metric(customer, { value: 2, timestamp: h2 }),
    ]);
    await storedCounts(t, 1, 2);
    await sleep(50);
    // Newer rows.
    await publish(t, 'allevents', [event(customer, { ieventid: 'ev-new', severity: 3, firstoccurrence: h2 })]);
    await publish(t, 'metrics', [metric(customer, { value: 3, timestamp: h1, tags: { core: '1' } })]);
    await storedCounts(t, 2, 3);
    expect(await historyOf(t)).toEqual([
      ['opened', h1],
      ['severity', h2],
    ]);

    const stored = await storedAt(customer);
    const eventsCut = between([stored.events.get('ev-old')!], [stored.events.get('ev-new')!]);
    const samplesCut = between([stored.samples.get(1)!, stored.samples.get(2)!], [stored.samples.get(3)!]);
    const retention = retain.get(Retention);

    // Samples: 3 days after the cut between old and new. Events and history are far from due.
    expect(await retention.run(new Date(samplesCut + 3 * DAY))).toEqual({
      events: 0,
      metric_samples: 2,
      alert_history: 0,
    });
    expect(await sampleValues(t)).toEqual([3]);
    expect(await eventIds(t)).toEqual(['ev-new', 'ev-old']);

    // Events: 7 days after their cut (the new sample, 4 days old by then, goes too).
    expect(await retention.run(new Date(eventsCut + 7 * DAY))).toEqual({
      events: 1,
      metric_samples: 1,
      alert_history: 0,
    });
    expect(await eventIds(t)).toEqual(['ev-new']);
    expect(await sampleValues(t)).toEqual([]);
    expect(await historyOf(t)).toHaveLength(2);

    // History: 10 days after a cut between the two changes (the new event is past its 7 days then).
    expect(await retention.run(new Date(Date.parse(h1) + 30 * 60_000 + 10 * DAY))).toEqual({
      events: 1,
      metric_samples: 0,
      alert_history: 1,
    });
    expect(await historyOf(t)).toEqual([['severity', h2]]);
    expect(await eventIds(t)).toEqual([]);
    // The alert itself is not history: it stays, as it was.
    expect(await alertOf(t)).toMatchObject({ state: 'OPEN', severity: 3, count: 2 });
  });

  it('keeps forever what a setting of 0 covers, table by table', async () => {
    const t = await tenant(gw);
    const { customer } = t;
    await publish(t, 'allevents', [
      event(customer, { ieventid: 'ev-1', severity: 4, firstoccurrence: '2024-05-01T12:00:00Z' }),
      event(customer, { ieventid: 'ev-2', severity: 0, firstoccurrence: '2024-05-01T12:05:00Z' }),
    ]);
    await publish(t, 'metrics', [
      metric(customer, { value: 1 }),
      metric(customer, { value: 2, timestamp: '2024-05-01T12:01:00Z' }),
    ]);
    await storedCounts(t, 2, 2);
    const history = [
      ['opened', '2024-05-01T12:00:00.000Z'],
      ['resolved', '2024-05-01T12:05:00.000Z'],
    ];
    expect(await historyOf(t)).toEqual(history);
    const farFuture = new Date('2200-01-01T00:00:00Z');

    // All three at 0: nothing goes, however far ahead the clock is.
    expect(await keepAll.get(Retention).run(farFuture)).toEqual({ events: 0, metric_samples: 0, alert_history: 0 });
    expect(await eventIds(t)).toEqual(['ev-1', 'ev-2']);
    expect(await sampleValues(t)).toEqual([1, 2]);
    expect(await historyOf(t)).toEqual(history);

    // Only samples have a limit: only samples go.
    const some = await keepSome.get(Retention).run(farFuture);
    expect(some).toMatchObject({ events: 0, alert_history: 0 });
    expect(some.metric_samples).toBeGreaterThanOrEqual(2);
    expect(await sampleValues(t)).toEqual([]);
    expect(await eventIds(t)).toEqual(['ev-1', 'ev-2']);
    expect(await historyOf(t)).toEqual(history);

    // The same rows were due under limits: with 7/3/10 days they go.
    const all = await retain.get(Retention).run(farFuture);
    expect(all.events).toBeGreaterThanOrEqual(2);
    expect(all.alert_history).toBeGreaterThanOrEqual(2);
    expect(await eventIds(t)).toEqual([]);
    expect(await historyOf(t)).toEqual([]);
  });

  it('runs as a scheduled job of the worker, at least hourly whatever MAINTENANCE_INTERVAL is', async () => {
    const t = await tenant(gw);
    const { customer } = t;
    // History of changes from long ago (event time 2024): due under a 10-day limit at any run.
    await publish(t, 'allevents', [
      event(customer, { ieventid: 'ev-1', severity: 4, firstoccurrence: '2024-05-01T12:00:00Z' }),
      event(customer, { ieventid: 'ev-2', severity: 5, firstoccurrence: new Date(Date.now() - 60_000).toISOString() }),
    ]);
    await drained(gw, QueueName.Events);
    expect(await historyOf(t)).toHaveLength(2);

    // A worker on a prefix of its own registers the schedules (first run one interval after
    // start); a run is a job on the maintenance queue, which the worker takes like any other.
    const gw2 = await startGateway({ DATABASE_URL: db.url });
    const worker = await startWorker(gw2.redisPrefix, {
      DATABASE_URL: db.url,
      MAINTENANCE_INTERVAL: '5',
      RETENTION_EVENTS_DAYS: '7',
      RETENTION_METRICS_DAYS: '3',
      RETENTION_HISTORY_DAYS: '10',
    });
    const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    const queue = new Queue(QueueName.Maintenance, { connection: redis, prefix: gw2.queuePrefix });
    try {
      await queue.add('retention', {});
      const history = (await eventually(
        () => historyOf(t),
        (h) => h?.length === 1,
        15_000,
      ))!;
      // The old change is gone, the recent one (a minute old) stays; events are days from due.
      expect(history.map((h) => h[0])).toEqual(['severity']);
      expect(await eventIds(t)).toEqual(['ev-1', 'ev-2']);

      const schedulers = await queue.getJobSchedulers();
      expect(Object.fromEntries(schedulers.map((s) => [s.key, s.every]))).toEqual({
        retention: 3_600_000,
        'stale-adapters': 5_000,
      });
    } finally {
      await queue.close();
      redis.disconnect();
      await worker.close();
      await gw2.close();
    }
  }, 45_000);
});
