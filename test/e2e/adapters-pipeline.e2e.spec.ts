import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis from 'ioredis';

import { QueueName } from '@sluice/queue';

import { StaleAdapters } from '../../apps/worker/src/maintenance/stale-adapters.service';
import { ownDatabase } from '../helpers/database';
import { apiUser, heartbeat, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { drained } from '../helpers/queues';
import type { Tenant } from '../helpers/tenant';
import { get, publish, tenant } from '../helpers/tenant';
import { eventually, startWorker } from '../helpers/worker';

/**
 * The stale-adapter check updates every adapter of the database at once, whatever its customer
 * (and this file moves its clock forward), so this file runs on a database of its own: it must
 * not turn the adapters of test files running beside it STALE.
 */

interface AdapterView {
  envcustomerid: string;
  adapterid: string;
  adaptername: string;
  adaptertype: string | null;
  status: string;
  lastseen: string;
  interval: number;
  message: string | null;
  stats: Record<string, number> | null;
}
interface AlertView {
  id: string;
  entityid: string;
  entity: string;
  parametercategory: string | null;
  parameterid: string;
  severity: number;
  state: string;
  count: number;
  firstoccurrence: string;
  lastoccurrence: string;
  resolvedAt: string | null;
}
interface HistoryView {
  kind: string;
  fromState: string | null;
  toState: string;
  fromSeverity: number | null;
  toSeverity: number;
  ieventid: string;
  source: string | null;
  at: string;
}

/** An ISO timestamp `seconds` after `base` (ms since the epoch). */
const iso = (base: number, seconds = 0) => new Date(base + seconds * 1000).toISOString();

/**
 * Spec §2.5 and §6, end to end: POST /publish/healthcheck → the real worker → PostgreSQL →
 * GET /api/v1/adapters and /api/v1/alerts. DOWN opens the adapter's alert, UP resolves it, and a
 * scheduled job marks silent adapters STALE.
 */
describe('adapters pipeline', () => {
  let db: { url: string; drop: () => Promise<void> };
  let gw: TestGateway;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    db = await ownDatabase('adapters');
    gw = await startGateway({ DATABASE_URL: db.url });
    // The scheduled check runs once at start and then hourly: the tests below drive it by hand,
    // except the one that starts workers with a short interval.
    worker = await startWorker(gw.redisPrefix, { DATABASE_URL: db.url, MAINTENANCE_INTERVAL: '3600' });
  });
  afterAll(async () => {
    await worker?.close();
    await gw?.close();
    await db?.drop();
  });

  type List<T> = { results: T[]; totalCount: number };
  const adapters = (t: Tenant) => get<List<AdapterView>>(t, `/api/v1/adapters?customerid=${t.customer}`);
  const alerts = (t: Tenant) => get<List<AlertView>>(t, `/api/v1/alerts?customerid=${t.customer}`);
  const history = async (t: Tenant, id: string) =>
    (await get<{ history: HistoryView[] }>(t, `/api/v1/alerts/${id}`)).history;

  /** Waits for the worker, then reads adapter `id`, which must satisfy `accept`. */
  const adapterWhen = async (t: Tenant, id: string, accept: (a: AdapterView) => boolean) => {
    await drained(t.gw, QueueName.Healthcheck);
    const adapter = (await adapters(t)).results.find((a) => a.adapterid === id);
    expect({ adapter, accepted: adapter !== undefined && accept(adapter) }).toEqual({ adapter, accepted: true });
    return adapter!;
  };
  /** Waits for the worker, then reads the first alert `accept` takes (there must be one). */
  const alertWhen = async (t: Tenant, accept: (a: AlertView) => boolean) => {
    await drained(t.gw, QueueName.Healthcheck);
    const list = await alerts(t);
    expect({ alerts: list.results, found: list.results.some(accept) }).toEqual({ alerts: list.results, found: true });
    return list.results.find(accept)!;
  };

  it('lists adapters with adaptername, type, status, lastseen, interval, message and stats', async () => {
    const t = await tenant(gw);
    const { customer } = t;
    const base = Date.now() - 10_000;
    await publish(t, 'healthcheck', [
      heartbeat(customer, {
        adapterid: 'nifi-flow-1',
        adaptername: 'NiFi events flow',
        status: 'UP',
        timestamp: iso(base),
        interval: 120,
        message: 'all good',
        stats: { processed: 120, failed: 2 },
      }),
      heartbeat(customer, {
        adapterid: 'agent-2',
        adaptername: 'Agent two',
        adaptertype: undefined,
        status: 'DEGRADED',
        timestamp: iso(base, 1),
        interval: undefined,
        stats: undefined,
      }),
    ]);
    await drained(gw, QueueName.Healthcheck);
    const list = await adapters(t);
    expect(list).toEqual({
      totalCount: 2,
      results: [
        {
          envcustomerid: customer,
          adapterid: 'agent-2',
          adaptername: 'Agent two',
          adaptertype: null,
          status: 'DEGRADED',
          lastseen: iso(base, 1),
          interval: 300, // the default
          message: null,
          stats: null,
        },
        {
          envcustomerid: customer,
          adapterid: 'nifi-flow-1',
          adaptername: 'NiFi events flow',
          adaptertype: 'nifi',
          status: 'UP',
          lastseen: iso(base),
          interval: 120,
          message: 'all good',
          stats: { processed: 120, failed: 2 },
        },
      ],
    });
    // Neither UP nor DEGRADED raises anything.
    expect((await alerts(t)).totalCount).toBe(0);
  });

  it('opens a major alert for the adapter on DOWN, leaves it on DEGRADED, resolves it on UP, reopens it on DOWN', async () => {
    const t = await tenant(gw);
    const { customer } = t;
    const base = Date.now() - 60_000;
    const hb = (status: string, seconds: number, extra: Record<string, unknown> = {}) =>
      heartbeat(customer, {
        adapterid: 'nifi-flow-1',
        adaptername: 'NiFi events flow',
        status,
        timestamp: iso(base, seconds),
        ...extra,
      });

    await publish(t, 'healthcheck', hb('UP', 0));
    await adapterWhen(t, 'nifi-flow-1', (a) => a.status === 'UP');
    expect((await alerts(t)).totalCount).toBe(0);

    await publish(t, 'healthcheck', hb('DOWN', 10, { message: 'connection refused' }));
    const opened = await alertWhen(t, (a) => a.state === 'OPEN');
    expect(opened).toMatchObject({
      envcustomerid: customer,
      entityid: 'nifi-flow-1',
      entity: 'NiFi events flow',
      parametercategory: 'adapter',
      parameterid: 'heartbeat',
      splitby: null,
      severity: 4,
      state: 'OPEN',
      count: 1,
      firstoccurrence: iso(base, 10),
      lastoccurrence: iso(base, 10),
      resolvedAt: null,
      ticket: null,
    });
    expect((await alerts(t)).totalCount).toBe(1);
    expect(await adapterWhen(t, 'nifi-flow-1', () => true)).toMatchObject({
      status: 'DOWN',
      lastseen: iso(base, 10),
      message: 'connection refused',
    });

    await publish(t, 'healthcheck', hb('DEGRADED', 20));
    await adapterWhen(t, 'nifi-flow-1', (a) => a.status === 'DEGRADED');
    expect((await alerts(t)).results).toEqual([
      expect.objectContaining({ id: opened.id, state: 'OPEN', severity: 4, count: 1, lastoccurrence: iso(base, 10) }),
    ]);

    await publish(t, 'healthcheck', hb('UP', 30));
    const resolved = await alertWhen(t, (a) => a.state === 'RESOLVED');
    expect(resolved).toMatchObject({
      id: opened.id,
      severity: 0,
      count: 2,
      lastoccurrence: iso(base, 30),
      resolvedAt: iso(base, 30),
    });
    expect(await adapterWhen(t, 'nifi-flow-1', () => true)).toMatchObject({ status: 'UP', lastseen: iso(base, 30) });

    await publish(t, 'healthcheck', hb('DOWN', 40));
    await alertWhen(t, (a) => a.state === 'OPEN');
    expect((await alerts(t)).results).toEqual([
      expect.objectContaining({ id: opened.id, state: 'OPEN', severity: 4, count: 3 }),
    ]);

    const h = await history(t, opened.id);
    expect(h.map((e) => [e.kind, e.fromState, e.toState, e.fromSeverity, e.toSeverity, e.at])).toEqual([
      ['opened', null, 'OPEN', null, 4, iso(base, 10)],
      ['resolved', 'OPEN', 'RESOLVED', 4, 0, iso(base, 30)],
      ['reopened', 'RESOLVED', 'OPEN', 0, 4, iso(base, 40)],
    ]);
    expect(h.map((e) => e.ieventid)).toEqual([
      `down:nifi-flow-1:${iso(base, 10)}`,
      `up:nifi-flow-1:${iso(base, 30)}`,
      `down:nifi-flow-1:${iso(base, 40)}`,
    ]);
    expect(h.every((e) => e.source === 'sluice')).toBe(true);
  });

  it('keeps one alert per adapter: another adapter of the customer has its own', async () => {
    const t = await tenant(gw);
    const { customer } = t;
    const base = Date.now() - 30_000;
    await publish(t, 'healthcheck', [
      heartbeat(customer, { adapterid: 'a-1', adaptername: 'One', status: 'DOWN', timestamp: iso(base) }),
      heartbeat(customer, { adapterid: 'a-2', adaptername: 'Two', status: 'DOWN', timestamp: iso(base, 1) }),
      heartbeat(customer, { adapterid: 'a-3', adaptername: 'Three', status: 'UP', timestamp: iso(base, 2) }),
    ]);
    await drained(gw, QueueName.Healthcheck);
    const list = await alerts(t);
    expect(list.results.map((a) => [a.entityid, a.entity, a.state, a.severity]).sort()).toEqual([
      ['a-1', 'One', 'OPEN', 4],
      ['a-2', 'Two', 'OPEN', 4],
    ]);
  });

  it('ignores a heartbeat older than the stored one; within a batch the newest wins', async () => {
    const t = await tenant(gw);
    const { customer } = t;
    const base = Date.now() - 60_000;
    await publish(
      t,
      'healthcheck',
      heartbeat(customer, { adapterid: 'flow-a', status: 'UP', timestamp: iso(base, 20), message: 'newest' }),
    );
    await adapterWhen(t, 'flow-a', (a) => a.status === 'UP');

    // An older DOWN, in one job with a marker adapter: once the marker shows, the old one was handled.
    await publish(t, 'healthcheck', [
      heartbeat(customer, { adapterid: 'flow-a', status: 'DOWN', timestamp: iso(base, 10), message: 'late' }),
      heartbeat(customer, { adapterid: 'marker', adaptername: 'Marker', status: 'UP', timestamp: iso(base, 10) }),
    ]);
    await adapterWhen(t, 'marker', () => true);
    expect(await adapterWhen(t, 'flow-a', () => true)).toMatchObject({
      status: 'UP',
      lastseen: iso(base, 20),
      message: 'newest',
    });
    expect((await alerts(t)).totalCount).toBe(0);

    // One batch, newest first: the newest (DOWN) decides, whatever its place in the batch.
    await publish(t, 'healthcheck', [
      heartbeat(customer, { adapterid: 'flow-b', adaptername: 'Flow B', status: 'DOWN', timestamp: iso(base, 30) }),
      heartbeat(customer, { adapterid: 'flow-b', adaptername: 'Flow B', status: 'UP', timestamp: iso(base, 25) }),
    ]);
    const alert = await alertWhen(t, (a) => a.entityid === 'flow-b');
    expect(alert).toMatchObject({ state: 'OPEN', severity: 4, count: 1, lastoccurrence: iso(base, 30) });
    expect(await adapterWhen(t, 'flow-b', () => true)).toMatchObject({ status: 'DOWN', lastseen: iso(base, 30) });
  });

  it('does not count a repeated DOWN heartbeat twice', async () => {
    const t = await tenant(gw);
    const { customer } = t;
    const base = Date.now() - 60_000;
    const down = heartbeat(customer, {
      adapterid: 'flow-r',
      adaptername: 'Flow R',
      status: 'DOWN',
      timestamp: iso(base),
    });
    await publish(t, 'healthcheck', down);
    const opened = await alertWhen(t, (a) => a.entityid === 'flow-r');
    expect(opened).toMatchObject({ state: 'OPEN', count: 1 });

    // The same heartbeat delivered again (a client retrying), in one job with a marker.
    await publish(t, 'healthcheck', [
      down,
      heartbeat(customer, { adapterid: 'marker', adaptername: 'Marker', status: 'UP', timestamp: iso(base) }),
    ]);
    await adapterWhen(t, 'marker', () => true);
    expect((await alerts(t)).results).toEqual([
      expect.objectContaining({ id: opened.id, state: 'OPEN', severity: 4, count: 1 }),
    ]);
    expect((await history(t, opened.id)).map((e) => e.kind)).toEqual(['opened']);
  });

  it('marks an adapter STALE once it is silent for more than 2 × interval, opens its alert once, and UP resolves it', async () => {
    const t = await tenant(gw);
    const { customer } = t;
    const stale = worker.get(StaleAdapters);
    const seen = Date.now() - 5_000;
    await publish(
      t,
      'healthcheck',
      heartbeat(customer, {
        adapterid: 'quiet-1',
        adaptername: 'Quiet one',
        status: 'UP',
        interval: 60,
        timestamp: iso(seen),
      }),
    );
    await adapterWhen(t, 'quiet-1', (a) => a.status === 'UP');

    // Exactly 2 × 60 s after the last heartbeat is not yet stale; 1 ms later it is.
    expect(await stale.mark(new Date(seen + 120_000))).toBe(0);
    expect((await adapters(t)).results[0]).toMatchObject({ adapterid: 'quiet-1', status: 'UP' });
    expect((await alerts(t)).totalCount).toBe(0);

    const markedAt = seen + 120_001;
    expect(await stale.mark(new Date(markedAt))).toBe(1);
    expect((await adapters(t)).results).toEqual([
      expect.objectContaining({
        adapterid: 'quiet-1',
        adaptername: 'Quiet one',
        status: 'STALE',
        lastseen: iso(seen),
        interval: 60,
      }),
    ]);
    const list = await alerts(t);
    expect(list.totalCount).toBe(1);
    const alert = list.results[0];
    expect(alert).toMatchObject({
      entityid: 'quiet-1',
      entity: 'Quiet one',
      parametercategory: 'adapter',
      severity: 4,
      state: 'OPEN',
      count: 1,
      firstoccurrence: iso(markedAt),
    });

    // Checking again (later still) changes nothing: the adapter is STALE already. (Not so late
    // that the interval-300 adapters of the tests above would be due.)
    expect(await stale.mark(new Date(seen + 180_000))).toBe(0);
    expect((await alerts(t)).results).toEqual([expect.objectContaining({ id: alert.id, state: 'OPEN', count: 1 })]);
    expect((await history(t, alert.id)).map((e) => [e.kind, e.ieventid])).toEqual([
      ['opened', `stale:quiet-1:${iso(markedAt)}`],
    ]);

    // The adapter speaks again.
    await publish(
      t,
      'healthcheck',
      heartbeat(customer, {
        adapterid: 'quiet-1',
        adaptername: 'Quiet one',
        status: 'UP',
        interval: 60,
        timestamp: iso(seen, 121),
      }),
    );
    const resolved = await alertWhen(t, (a) => a.state === 'RESOLVED');
    expect(resolved).toMatchObject({ id: alert.id, severity: 0, resolvedAt: iso(seen, 121) });
    expect(await adapterWhen(t, 'quiet-1', () => true)).toMatchObject({ status: 'UP', lastseen: iso(seen, 121) });
    expect((await history(t, alert.id)).map((e) => e.kind)).toEqual(['opened', 'resolved']);
  });

  it('runs the STALE check on its schedule (MAINTENANCE_INTERVAL) in exactly one of two workers', async () => {
    // A gateway and two workers of their own Redis prefix, with a 5 s schedule.
    const gw2 = await startGateway({ DATABASE_URL: db.url });
    const env = { DATABASE_URL: db.url, MAINTENANCE_INTERVAL: '5' };
    const workers = [await startWorker(gw2.redisPrefix, env), await startWorker(gw2.redisPrefix, env)];
    const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    const queue = new Queue(QueueName.Maintenance, { connection: redis, prefix: gw2.queuePrefix });
    try {
      const t = await tenant(gw2);
      const { customer } = t;
      const reader = { ...t, gw, auth: (await apiUser(gw, [customer])).auth };
      const adapterid = uniqueId('silent');
      // Last heard of an hour ago, every 60 s expected: stale at the next run of the check.
      await publish(
        t,
        'healthcheck',
        heartbeat(customer, {
          adapterid,
          adaptername: 'Silent',
          status: 'UP',
          interval: 60,
          timestamp: iso(Date.now() - 3_600_000),
        }),
      );

      const alert = await eventually(
        () => alerts(reader),
        (l) => l.results.some((a) => a.entityid === adapterid && a.state === 'OPEN'),
        15_000,
      );
      expect(alert.results).toEqual([
        expect.objectContaining({ entityid: adapterid, entity: 'Silent', severity: 4, state: 'OPEN', count: 1 }),
      ]);
      expect(await gw.prisma.adapter.findFirst({ where: { envcustomerid: customer, adapterid } })).toMatchObject({
        status: 'STALE',
      });

      // Two more runs of the schedule later, still one alert with one history entry.
      await new Promise((r) => setTimeout(r, 11_000));
      const later = await alerts(reader);
      expect(later.results).toEqual([expect.objectContaining({ id: alert.results[0].id, state: 'OPEN', count: 1 })]);
      const h = await history(reader, alert.results[0].id);
      expect(h).toHaveLength(1);
      expect(h[0]).toMatchObject({ kind: 'opened', toState: 'OPEN', toSeverity: 4 });
      expect(h[0].ieventid).toMatch(new RegExp(`^stale:${adapterid}:`));

      // Both workers registered the same schedule: Redis holds one, at the configured interval.
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.filter((s) => s.key === 'stale-adapters').map((s) => s.every)).toEqual([5000]);
    } finally {
      await queue.close();
      redis.disconnect();
      for (const w of workers) await w.close();
      await gw2.close();
    }
  }, 60_000);

  it("answers 403 for another customer's adapters and alerts, and never lists them without a customerid", async () => {
    const mine = await tenant(gw);
    const theirs = await tenant(gw);
    const base = Date.now() - 10_000;
    await publish(
      theirs,
      'healthcheck',
      heartbeat(theirs.customer, { adapterid: 'their-flow', status: 'DOWN', timestamp: iso(base) }),
    );
    await publish(
      mine,
      'healthcheck',
      heartbeat(mine.customer, { adapterid: 'my-flow', status: 'UP', timestamp: iso(base) }),
    );
    const theirAlert = await alertWhen(theirs, (a) => a.entityid === 'their-flow');
    await adapterWhen(mine, 'my-flow', () => true);

    for (const url of [
      `/api/v1/adapters?customerid=${theirs.customer}`,
      `/api/v1/alerts?customerid=${theirs.customer}`,
      `/api/v1/alerts/${theirAlert.id}`,
    ]) {
      const res = await gw.inject({ method: 'GET', url, headers: mine.auth });
      expect({ url, status: res.statusCode, body: res.json() }).toEqual({
        url,
        status: 403,
        body: { message: 'Access denied' },
      });
    }
    const anon = await gw.inject({ method: 'GET', url: `/api/v1/adapters?customerid=${mine.customer}` });
    expect([anon.statusCode, anon.json()]).toEqual([401, { message: 'Missing access token' }]);

    const all = await get<List<AdapterView>>(mine, '/api/v1/adapters');
    expect([all.totalCount, all.results.map((a) => [a.envcustomerid, a.adapterid])]).toEqual([
      1,
      [[mine.customer, 'my-flow']],
    ]);
    const allAlerts = await get<List<AlertView>>(mine, '/api/v1/alerts');
    expect(allAlerts.totalCount).toBe(0);
  });
});
