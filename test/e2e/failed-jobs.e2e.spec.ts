import { randomBytes } from 'node:crypto';

import type { INestApplicationContext } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { Queue } from 'bullmq';
import Redis from 'ioredis';

import type { EventRecord } from '@sluice/contracts';
import type { PublishJob } from '@sluice/queue';
import { DEFAULT_JOB_OPTIONS, QueueName } from '@sluice/queue';

import { apiUser, event, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { drained } from '../helpers/queues';
import type { Json, Tenant } from '../helpers/tenant';
import { get, publish as publishAs, tenant } from '../helpers/tenant';
import { eventually, startWorker } from '../helpers/worker';

/**
 * Failure handling of the events pipeline: records that can never be stored fail at once with
 * their reason, transient failures retry with exponential backoff and never leave half a job
 * behind, and failed jobs are listed and replayed through the admin API, idempotently.
 */

const T0 = Date.UTC(2024, 4, 1, 12);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

describe('failed jobs: fail fast, retry, dead letters and replay', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;
  let redis: Redis;
  let queue: Queue;
  let admin: Record<string, string>;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    gw = await startGateway();
    worker = await startWorker(gw.redisPrefix);
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    queue = new Queue(QueueName.Events, { connection: redis, prefix: gw.queuePrefix });
    admin = (await apiUser(gw, [], { isSuperadmin: true })).auth;
  });
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await worker.close();
    await gw.close();
  });

  const publishJob = (records: object[]): PublishJob<EventRecord> => ({
    requestId: uniqueId('req'),
    receivedAt: new Date().toISOString(),
    userId: 'test',
    records: records as EventRecord[],
  });

  /** Enqueues a job straight on the events queue, as the gateway would (job id = request id). */
  async function enqueue(records: object[], opts: JobsOptions = {}) {
    const data = publishJob(records);
    await queue.add(QueueName.Events, data, { ...DEFAULT_JOB_OPTIONS, jobId: data.requestId, ...opts });
    return data;
  }

  const publish = async (t: Tenant, records: object[]) =>
    (await publishAs(t, 'allevents', records)).requestId as string;

  const failedList = (query = '') => get({ gw, auth: admin }, `/api/v1/admin/jobs/failed${query}`);
  const failedJob = (id: string) =>
    eventually(
      () => failedList('?queue=events&itemsPerPage=500'),
      (b) => b.results.some((j: Json) => j.id === id),
    ).then((b) => b.results.find((j: Json) => j.id === id));
  const replay = (id: string, headers = admin) =>
    gw.inject({ method: 'POST', url: `/api/v1/admin/jobs/failed/${id}/retry`, headers });

  const events = (t: Tenant) => get(t, `/api/v1/events?customerid=${t.customer}&itemsPerPage=500`);
  /** Waits for the worker; then the customer has `n` stored events. */
  const eventsStored = async (t: Tenant, n: number) => {
    await drained(gw, QueueName.Events);
    expect((await events(t)).totalCount).toBe(n);
  };

  /** Everything the read API shows of a customer's events and alerts, without ids that differ per customer. */
  async function readBack(t: Tenant) {
    const evs = (await events(t)).results.map(({ envcustomerid, receivedAt, ...e }: Json) => e);
    const list = await get(t, `/api/v1/alerts?customerid=${t.customer}`);
    const alerts = [];
    // Alerts with equal lastoccurrence are listed in id order, and ids differ per customer.
    list.results.sort((a: Json, b: Json) => a.parameterid.localeCompare(b.parameterid));
    for (const a of list.results) {
      const { id, envcustomerid, ...detail } = await get(t, `/api/v1/alerts/${a.id}`);
      alerts.push(detail);
    }
    return { events: evs, alerts };
  }

  /**
   * A real fault in PostgreSQL, for one customer only (other test files share the database): a
   * trigger that fails the alert-history insert — the last statement of the job's transaction,
   * after its events and alerts were written — with a transient SQLSTATE.
   */
  async function outageFor(customer: string, sqlstate = '40001') {
    const name = `test_outage_${randomBytes(6).toString('hex')}`;
    await gw.prisma.$executeRawUnsafe(`
      CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM alerts WHERE id = NEW.alert_id AND envcustomerid = '${customer}') THEN
          RAISE EXCEPTION 'simulated outage' USING ERRCODE = '${sqlstate}';
        END IF;
        RETURN NEW;
      END $$`);
    await gw.prisma.$executeRawUnsafe(
      `CREATE TRIGGER ${name} BEFORE INSERT ON alert_history FOR EACH ROW EXECUTE FUNCTION ${name}()`,
    );
    let active = true;
    const end = async () => {
      if (!active) return;
      active = false;
      await gw.prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${name} ON alert_history`);
      await gw.prisma.$executeRawUnsafe(`DROP FUNCTION IF EXISTS ${name}()`);
    };
    cleanups.push(end);
    return end;
  }

  /** The events of the lifecycle tests: the second batch changes, resolves, reopens and opens. */
  const firstBatch = (c: string) => [
    event(c, { ieventid: 'b1-open', severity: 'minor', firstoccurrence: at(0), source: 'zabbix' }),
    event(c, {
      ieventid: 'b1-disk',
      parametercategory: 'disk',
      parametername: 'disk.used',
      splitby: '/var',
      severity: 'warning',
      firstoccurrence: at(0),
    }),
  ];
  const secondBatch = (c: string) => [
    event(c, { ieventid: 'b2-reopen', severity: 'critical', firstoccurrence: at(3) }),
    event(c, { ieventid: 'b2-major', severity: 'major', firstoccurrence: at(1) }),
    event(c, { ieventid: 'b2-clear', severity: 'clear', firstoccurrence: at(2) }),
    event(c, {
      ieventid: 'b2-disk',
      parametercategory: 'disk',
      parametername: 'disk.used',
      splitby: '/var',
      severity: 'clear',
      firstoccurrence: at(2),
    }),
    event(c, {
      ieventid: 'b2-mem',
      parametercategory: 'mem',
      parametername: 'mem.used',
      severity: 'major',
      firstoccurrence: at(2),
      ticketref: 'x',
    }),
  ];

  /** A customer that got both batches without any failure: what every other run must equal. */
  async function cleanRun() {
    const control = await tenant(gw);
    await publish(control, firstBatch(control.customer));
    await eventsStored(control, 2);
    await publish(control, secondBatch(control.customer));
    await eventsStored(control, 7);
    const result = await readBack(control);
    expect(result.alerts.map((a) => [a.parameterid, a.state, a.count])).toEqual([
      ['cpu.utilization', 'OPEN', 4],
      ['disk.used', 'RESOLVED', 2],
      ['mem.used', 'OPEN', 1],
    ]);
    return result;
  }

  describe('a record that can never be stored', () => {
    it('an unparsable severity fails the job at once (no retries), keeps the reason, and stores nothing of the job', async () => {
      const t = await tenant(gw);
      const data = await enqueue([
        event(t.customer, { ieventid: 'good' }),
        event(t.customer, { ieventid: 'bad', severity: 'severe' }),
      ]);
      const job = await failedJob(data.requestId);
      expect(job).toEqual({
        queue: 'events',
        id: data.requestId,
        failedReason: 'record 1: severity "severe" is not 0-5 or a severity name',
        attemptsMade: 1,
        failedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        receivedAt: data.receivedAt,
        records: 2,
      });
      expect(await events(t)).toEqual({ results: [], totalCount: 0 });
      expect(await gw.prisma.alert.count({ where: { envcustomerid: t.customer } })).toBe(0);
    });

    it("a value PostgreSQL refuses (SQLSTATE class 22) fails at once with the database's reason, and the transaction leaves nothing", async () => {
      const t = await tenant(gw);
      const data = await enqueue([
        event(t.customer, { ieventid: 'fine' }),
        event(t.customer, { ieventid: 'nul', description: 'nul \u0000 byte' }),
      ]);
      const job = await failedJob(data.requestId);
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toMatch(/^cannot be stored \(SQLSTATE 22\d{3}\): /);
      expect(await events(t)).toEqual({ results: [], totalCount: 0 });
    });
  });

  describe('transient failures', () => {
    it('are retried with exponential backoff; a job that failed part-way leaves nothing half-written and ends as a clean run does', async () => {
      const expected = await cleanRun();
      const t = await tenant(gw);
      await publish(t, firstBatch(t.customer));
      await eventsStored(t, 2);
      const before = await readBack(t);

      const endOutage = await outageFor(t.customer);
      const requestId = await publish(t, secondBatch(t.customer));
      const job = await eventually(
        () => queue.getJob(requestId),
        (j) => (j?.attemptsMade ?? 0) >= 2,
        10_000,
      );
      expect(job!.opts).toMatchObject({ attempts: 8, backoff: { type: 'exponential', delay: 1000 } });
      expect(await job!.getState()).toBe('delayed');
      expect(job!.failedReason).toBe('simulated outage');
      // Events and alerts were written before the history insert failed: all rolled back.
      expect(await readBack(t)).toEqual(before);

      await endOutage();
      await eventsStored(t, 7);
      // The second try 1 s after the first failed, the third (which succeeds) 2 s after the second:
      // when each try became active, from the queue's event stream (its entry ids are times in ms).
      const stream = await redis.xrange(queue.keys.events, '-', '+');
      const starts = stream
        .filter(
          ([, fields]) =>
            fields[fields.indexOf('event') + 1] === 'active' && fields[fields.indexOf('jobId') + 1] === requestId,
        )
        .map(([id]) => Number(id.split('-')[0]));
      expect(starts).toHaveLength(3);
      expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(1000);
      expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(2000);

      expect(await readBack(t)).toEqual(expected);
      expect(await queue.getJob(requestId)).toBeUndefined(); // completed, removed
    });

    it('one that outlasts its attempts is listed with its reason; replayed after recovery it ends as a clean run does', async () => {
      const expected = await cleanRun();
      const t = await tenant(gw);
      await publish(t, firstBatch(t.customer));
      await eventsStored(t, 2);
      const before = await readBack(t);

      const endOutage = await outageFor(t.customer);
      const data = await enqueue(secondBatch(t.customer), { attempts: 2, backoff: { type: 'fixed', delay: 10 } });
      const job = await failedJob(data.requestId);
      expect(job).toMatchObject({ queue: 'events', failedReason: 'simulated outage', attemptsMade: 2, records: 5 });
      expect(await readBack(t)).toEqual(before);

      // Replayed while the outage lasts: the replay gets its retries again, and fails the same way.
      expect((await replay(data.requestId)).statusCode).toBe(200);
      await eventually(
        () => queue.getJob(data.requestId),
        (j) => j?.finishedOn !== undefined && j.finishedOn !== null && j.finishedOn > Date.parse(job.failedAt),
      );
      expect(await failedJob(data.requestId)).toMatchObject({ failedReason: 'simulated outage', attemptsMade: 2 });
      expect(await readBack(t)).toEqual(before);

      await endOutage();
      const res = await replay(data.requestId);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        message: 'Job queued for retry',
        job: expect.objectContaining({ queue: 'events', id: data.requestId, records: 5 }),
      });
      await eventsStored(t, 7);
      expect(await readBack(t)).toEqual(expected);
      expect((await failedList('?queue=events&itemsPerPage=500')).results.map((j: Json) => j.id)).not.toContain(
        data.requestId,
      );
    });
  });

  describe('replay through the admin API', () => {
    it('a job fixed with updateData and replayed stores its events once; replaying or processing it again changes nothing', async () => {
      const t = await tenant(gw);
      // One of its events is stored already (the client had sent it before).
      await publish(t, [event(t.customer, { ieventid: 'r1', severity: 'major', firstoccurrence: at(0) })]);
      await eventsStored(t, 1);

      const records = [
        event(t.customer, { ieventid: 'r1', severity: 'major', firstoccurrence: at(0) }),
        event(t.customer, { ieventid: 'r2', severity: 'severe', firstoccurrence: at(1) }),
        event(t.customer, { ieventid: 'r3', severity: 'clear', firstoccurrence: at(2) }),
      ];
      const data = await enqueue(records);
      expect((await failedJob(data.requestId)).failedReason).toBe(
        'record 1: severity "severe" is not 0-5 or a severity name',
      );
      expect((await events(t)).totalCount).toBe(1);

      const stored = (await queue.getJob(data.requestId))!;
      await stored.updateData({
        ...data,
        records: records.map((r) => (r.ieventid === 'r2' ? { ...r, severity: 'critical' } : r)),
      });
      const res = await replay(data.requestId);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        message: 'Job queued for retry',
        job: expect.objectContaining({ queue: 'events', id: data.requestId, receivedAt: data.receivedAt, records: 3 }),
      });

      await eventsStored(t, 3);
      const once = await readBack(t);
      expect(once.events.map((e: Json) => [e.ieventid, e.severity])).toEqual([
        ['r3', 0],
        ['r2', 5],
        ['r1', 4],
      ]);
      expect(once.alerts).toHaveLength(1);
      expect(once.alerts[0]).toMatchObject({ state: 'RESOLVED', severity: 0, previousSeverity: 5, count: 3 });
      expect(once.alerts[0].history.map((h: Json) => `${h.kind}:${h.ieventid}`)).toEqual([
        'opened:r1',
        'severity:r2',
        'resolved:r3',
      ]);

      // The job completed and is gone: a second replay is 404, and nothing changed.
      const again = await replay(data.requestId);
      expect([again.statusCode, again.json()]).toEqual([404, { message: 'Failed job not found' }]);
      // The same data processed again (a replay of a copy of the job) changes nothing either.
      await queue.add(
        QueueName.Events,
        { ...data, records: records.map((r) => (r.ieventid === 'r2' ? { ...r, severity: 'critical' } : r)) },
        { jobId: uniqueId('req') },
      );
      await drained(gw, QueueName.Events);
      expect(await readBack(t)).toEqual(once);
    });

    it('two concurrent replays of one failed job: one is queued, the other answers 404, and the events are stored once', async () => {
      const t = await tenant(gw);
      const records = [event(t.customer, { ieventid: 'c1', severity: 'severe' })];
      const data = await enqueue(records);
      await failedJob(data.requestId);
      await (await queue.getJob(data.requestId))!.updateData({ ...data, records: [{ ...records[0], severity: 4 }] });

      const answers = await Promise.all([replay(data.requestId), replay(data.requestId), replay(data.requestId)]);
      expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 404, 404]);
      await eventsStored(t, 1);
      expect((await readBack(t)).alerts).toEqual([expect.objectContaining({ state: 'OPEN', severity: 4, count: 1 })]);
    });
  });

  describe('GET /api/v1/admin/jobs/failed', () => {
    it('lists failed jobs newest first, filters by queue and pages', async () => {
      const t = await tenant(gw);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const data = await enqueue([event(t.customer, { ieventid: `l${i}`, severity: `bogus-${i}` })]);
        await failedJob(data.requestId);
        ids.push(data.requestId);
      }
      const all = await failedList('?queue=events&itemsPerPage=500');
      const ours = all.results.filter((j: Json) => ids.includes(j.id));
      expect(ours.map((j: Json) => j.id)).toEqual([...ids].reverse());
      expect(ours.map((j: Json) => j.failedReason)).toEqual(
        [2, 1, 0].map((i) => `record 0: severity "bogus-${i}" is not 0-5 or a severity name`),
      );
      expect(all.totalCount).toBe(all.results.length);

      const unfiltered = await failedList('?itemsPerPage=500');
      expect(unfiltered.results.map((j: Json) => j.id)).toEqual(expect.arrayContaining(ids));
      expect(await failedList('?queue=metrics')).toEqual({ results: [], totalCount: 0 });

      const page1 = await failedList('?queue=events&pageNum=1&itemsPerPage=2');
      const page2 = await failedList('?queue=events&pageNum=2&itemsPerPage=2');
      expect(page1.totalCount).toBe(all.totalCount);
      expect(page1.results).toHaveLength(2);
      expect([...page1.results, ...page2.results].map((j: Json) => j.id)).toEqual(
        all.results.slice(0, 4).map((j: Json) => j.id),
      );

      const bad = await gw.inject({ method: 'GET', url: '/api/v1/admin/jobs/failed?queue=nope', headers: admin });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({
        message: 'Invalid payload',
        errors: [expect.objectContaining({ field: 'queue' })],
      });
    });

    it('replay answers 404 for an unknown id and for a job that has not failed', async () => {
      const unknown = await replay('no-such-job');
      expect([unknown.statusCode, unknown.json()]).toEqual([404, { message: 'Failed job not found' }]);
      const t = await tenant(gw);
      const waiting = await enqueue([event(t.customer)], { delay: 60_000 });
      cleanups.push(() => queue.remove(waiting.requestId));
      const res = await replay(waiting.requestId);
      expect([res.statusCode, res.json()]).toEqual([404, { message: 'Failed job not found' }]);
      expect(await (await queue.getJob(waiting.requestId))!.getState()).toBe('delayed');
    });

    it('is for superadmins only: 403 for other users, 401 without a token', async () => {
      const t = await tenant(gw);
      const data = await enqueue([event(t.customer, { severity: 'nope' })]);
      await failedJob(data.requestId);
      const ui = await apiUser(gw, [t.customer], { type: 'UI' });
      const tenantAdmin = await apiUser(gw, [t.customer], { isAdmin: true });
      for (const headers of [t.auth, ui.auth, tenantAdmin.auth]) {
        const list = await gw.inject({ method: 'GET', url: '/api/v1/admin/jobs/failed', headers });
        expect([list.statusCode, list.json()]).toEqual([403, { message: 'Access denied' }]);
        const retry = await replay(data.requestId, headers);
        expect([retry.statusCode, retry.json()]).toEqual([403, { message: 'Access denied' }]);
      }
      const anonList = await gw.inject({ method: 'GET', url: '/api/v1/admin/jobs/failed' });
      expect([anonList.statusCode, anonList.json()]).toEqual([401, { message: 'Missing access token' }]);
      const anonRetry = await gw.inject({ method: 'POST', url: `/api/v1/admin/jobs/failed/${data.requestId}/retry` });
      expect([anonRetry.statusCode, anonRetry.json()]).toEqual([401, { message: 'Missing access token' }]);
      const forged = await gw.inject({
        method: 'GET',
        url: '/api/v1/admin/jobs/failed',
        headers: { authorization: 'Bearer not.a.jwt' },
      });
      expect([forged.statusCode, forged.json()]).toEqual([401, { message: 'Invalid access token' }]);
      // None of them moved it.
      expect(await (await queue.getJob(data.requestId))!.getState()).toBe('failed');
    });
  });
});
