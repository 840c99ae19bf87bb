import { randomBytes } from 'node:crypto';

import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis from 'ioredis';

import type { EventRecord } from '@sluice/contracts';
import type { PublishJob } from '@sluice/queue';
import { QueueName } from '@sluice/queue';

import { EventWriter } from '../../apps/worker/src/events/event.writer';
import { apiUser, event, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { drained } from '../helpers/queues';
import type { Json, Tenant } from '../helpers/tenant';
import { get, publish, tenant } from '../helpers/tenant';
import { eventually, startWorker } from '../helpers/worker';

/**
 * Spec §2.1 and §6, end to end: events published over HTTP, folded into alerts by the real
 * worker, read back through the read API. Every test has customers of its own.
 */

const T0 = Date.UTC(2024, 4, 1, 12);
/** The ISO-8601 time `minutes` after 2024-05-01T12:00:00Z, as the read API prints it. */
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

describe('events → alerts pipeline (spec §2.1, §6)', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;
  let redis: Redis;
  let queue: Queue;

  beforeAll(async () => {
    gw = await startGateway();
    worker = await startWorker(gw.redisPrefix);
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    queue = new Queue(QueueName.Events, { connection: redis, prefix: gw.queuePrefix });
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await worker.close();
    await gw.close();
  });

  const alerts = (t: Tenant, query = '') => get(t, `/api/v1/alerts?customerid=${t.customer}${query}`);
  const alert = (t: Tenant, id: string) => get(t, `/api/v1/alerts/${id}`);
  const events = (t: Tenant, query = '') => get(t, `/api/v1/events?customerid=${t.customer}&itemsPerPage=500${query}`);

  /** A job as the gateway enqueues it, for the worker's EventWriter directly. */
  const job = (t: Tenant, records: object[]): PublishJob<EventRecord> => ({
    requestId: uniqueId('req'),
    receivedAt: new Date().toISOString(),
    userId: 'test',
    records: records as EventRecord[],
  });

  /** Waits for the worker; then the customer has `n` stored events (alerts commit with them). */
  const eventsStored = async (t: Tenant, n: number) => {
    await drained(gw, QueueName.Events);
    const stored = await events(t);
    expect(stored.totalCount).toBe(n);
    return stored;
  };
  /** Publishes and waits until the queue is empty again and nothing of it failed. */
  async function publishAndDrain(t: Tenant, records: object[]) {
    const { requestId } = await publish(t, 'allevents', records);
    await drained(gw, QueueName.Events);
    // Completed jobs are removed at once; a failed one would still be here.
    expect(await queue.getJob(requestId)).toBeUndefined();
  }

  const history = (detail: Json) =>
    detail.history.map(
      (h: Json) => `${h.kind} ${h.fromState}->${h.toState} ${h.fromSeverity}->${h.toSeverity} ${h.ieventid} @${h.at}`,
    );

  describe('the first event opens an alert', () => {
    it('OPEN, count 1, severity name as its integer, absent category/split as null, no ticket; parameterid defaults to parametername', async () => {
      const t = await tenant(gw);
      const e = event(t.customer, { severity: 'critical', firstoccurrence: at(0), source: 'nagios' });
      delete (e as Json).parametercategory;
      await publish(t, 'allevents', e);
      await eventsStored(t, 1);

      const list = await alerts(t);
      expect(list.totalCount).toBe(1);
      expect(list.results).toEqual([
        {
          id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
          envcustomerid: t.customer,
          entityid: 'host-4711',
          entity: 'web-01',
          parametercategory: null,
          parameterid: 'cpu.utilization',
          parametername: 'cpu.utilization',
          splitby: null,
          severity: 5,
          previousSeverity: null,
          state: 'OPEN',
          count: 1,
          firstoccurrence: at(0),
          lastoccurrence: at(0),
          resolvedAt: null,
          description: 'CPU above 95% for 10 minutes',
          source: 'nagios',
          ticket: null,
        },
      ]);

      const detail = await alert(t, list.results[0].id);
      expect(detail).toEqual({
        ...list.results[0],
        history: [
          {
            at: at(0),
            kind: 'opened',
            fromState: null,
            toState: 'OPEN',
            fromSeverity: null,
            toSeverity: 5,
            ieventid: e.ieventid,
            actor: null,
            source: 'nagios',
            note: null,
          },
        ],
      });
    });

    it('accepts every severity name in any case and numeric strings, stored as integers', async () => {
      const t = await tenant(gw);
      const names: [unknown, number][] = [
        ['Indeterminate', 1],
        ['WARNING', 2],
        ['minor', 3],
        ['Major', 4],
        ['cRiTiCaL', 5],
        ['3', 3],
        [2, 2],
      ];
      await publish(
        t,
        'allevents',
        names.map(([severity], i) => event(t.customer, { entityid: `host-${i}`, severity, firstoccurrence: at(i) })),
      );
      await eventsStored(t, names.length);
      const list = await alerts(t);
      const byEntity = Object.fromEntries(list.results.map((a: Json) => [a.entityid, a.severity]));
      expect(byEntity).toEqual(Object.fromEntries(names.map(([, n], i) => [`host-${i}`, n])));
      const stored = await events(t);
      expect(stored.results.map((e: Json) => [e.entityid, e.severity]).sort()).toEqual(
        names.map(([, n], i) => [`host-${i}`, n]).sort(),
      );
    });

    it('a clear event for an alert that does not exist stores the event but opens nothing', async () => {
      const t = await tenant(gw);
      await publish(t, 'allevents', event(t.customer, { severity: 'clear' }));
      await eventsStored(t, 1);
      expect(await alerts(t)).toEqual({ results: [], totalCount: 0 });
    });
  });

  describe('lifecycle', () => {
    it('open → severity change → same severity → resolve → reopen, count continuing, every change in the history', async () => {
      const t = await tenant(gw);
      const step = async (n: number, severity: unknown, minutes: number) => {
        const e = event(t.customer, {
          ieventid: `life-${n}`,
          severity,
          firstoccurrence: at(minutes),
          source: 'zabbix',
        });
        await publish(t, 'allevents', e);
        await eventsStored(t, n);
        const list = await alerts(t);
        expect(list.totalCount).toBe(1);
        return list.results[0];
      };

      const opened = await step(1, 'major', 0);
      expect(opened).toMatchObject({
        state: 'OPEN',
        severity: 4,
        previousSeverity: null,
        count: 1,
        firstoccurrence: at(0),
        lastoccurrence: at(0),
        resolvedAt: null,
      });

      const updated = await step(2, 'critical', 1);
      expect(updated).toMatchObject({
        id: opened.id,
        state: 'OPEN',
        severity: 5,
        previousSeverity: 4,
        count: 2,
        firstoccurrence: at(0),
        lastoccurrence: at(1),
      });

      const same = await step(3, 5, 2);
      expect(same).toMatchObject({
        id: opened.id,
        state: 'OPEN',
        severity: 5,
        previousSeverity: 4,
        count: 3,
        lastoccurrence: at(2),
      });
      expect(history(await alert(t, opened.id))).toHaveLength(2); // no severity change, no entry

      const resolved = await step(4, 'clear', 3);
      expect(resolved).toMatchObject({
        id: opened.id,
        state: 'RESOLVED',
        severity: 0,
        previousSeverity: 5,
        count: 4,
        lastoccurrence: at(3),
        resolvedAt: at(3),
      });
      expect((await alerts(t, '&state=RESOLVED')).totalCount).toBe(1);
      expect((await alerts(t, '&state=OPEN')).totalCount).toBe(0);

      const reopened = await step(5, 'Warning', 4);
      expect(reopened).toMatchObject({
        id: opened.id,
        state: 'OPEN',
        severity: 2,
        previousSeverity: 0,
        count: 5,
        firstoccurrence: at(0),
        lastoccurrence: at(4),
        resolvedAt: null,
      });

      const detail = await alert(t, opened.id);
      expect(history(detail)).toEqual([
        `opened null->OPEN null->4 life-1 @${at(0)}`,
        `severity OPEN->OPEN 4->5 life-2 @${at(1)}`,
        `resolved OPEN->RESOLVED 5->0 life-4 @${at(3)}`,
        `reopened RESOLVED->OPEN 0->2 life-5 @${at(4)}`,
      ]);
      expect(detail.history.every((h: Json) => h.source === 'zabbix' && h.actor === null)).toBe(true);
    });

    it('a clear event on a resolved alert changes nothing', async () => {
      const t = await tenant(gw);
      await publish(t, 'allevents', [
        event(t.customer, { ieventid: 'a', severity: 4, firstoccurrence: at(0) }),
        event(t.customer, { ieventid: 'b', severity: 0, firstoccurrence: at(1) }),
      ]);
      await eventsStored(t, 2);
      const [before] = (await alerts(t)).results;
      expect(before).toMatchObject({ state: 'RESOLVED', count: 2 });

      await publish(t, 'allevents', event(t.customer, { ieventid: 'c', severity: 'clear', firstoccurrence: at(2) }));
      await eventsStored(t, 3);
      const detail = await alert(t, before.id);
      expect(detail).toMatchObject({
        state: 'RESOLVED',
        severity: 0,
        previousSeverity: 4,
        count: 2,
        lastoccurrence: at(1),
        resolvedAt: at(1),
      });
      expect(history(detail).map((h: string) => h.split(' ')[0])).toEqual(['opened', 'resolved']);
    });

    it("a late event (older than the alert's lastoccurrence) counts but changes neither state nor severity", async () => {
      const t = await tenant(gw);
      await publish(t, 'allevents', event(t.customer, { ieventid: 'now', severity: 4, firstoccurrence: at(10) }));
      await eventsStored(t, 1);
      await publish(t, 'allevents', event(t.customer, { ieventid: 'late-clear', severity: 0, firstoccurrence: at(5) }));
      await eventsStored(t, 2);
      const [open] = (await alerts(t)).results;
      expect(open).toMatchObject({
        state: 'OPEN',
        severity: 4,
        previousSeverity: null,
        count: 2,
        lastoccurrence: at(10),
        resolvedAt: null,
      });

      // Resolved later, then a late non-clear event: it counts, and does not reopen the alert.
      await publish(t, 'allevents', event(t.customer, { ieventid: 'clear', severity: 0, firstoccurrence: at(20) }));
      await eventsStored(t, 3);
      await publish(
        t,
        'allevents',
        event(t.customer, { ieventid: 'late-critical', severity: 5, firstoccurrence: at(15) }),
      );
      await eventsStored(t, 4);
      const detail = await alert(t, open.id);
      expect(detail).toMatchObject({
        state: 'RESOLVED',
        severity: 0,
        previousSeverity: 4,
        count: 4,
        lastoccurrence: at(20),
        resolvedAt: at(20),
      });
      expect(history(detail)).toEqual([
        `opened null->OPEN null->4 now @${at(10)}`,
        `resolved OPEN->RESOLVED 4->0 clear @${at(20)}`,
      ]);

      // A late clear on the resolved alert is a clear on a resolved alert: it changes nothing.
      await publish(
        t,
        'allevents',
        event(t.customer, { ieventid: 'late-clear-2', severity: 0, firstoccurrence: at(12) }),
      );
      await eventsStored(t, 5);
      expect(await alert(t, open.id)).toEqual(detail);
    });

    it('the count does not depend on how events were batched: late events on a resolved alert count as in one batch', async () => {
      const oneBatch = await tenant(gw);
      const split = await tenant(gw);
      const evs = (c: string) => [
        event(c, { ieventid: 'x1', severity: 4, firstoccurrence: at(0) }),
        event(c, { ieventid: 'x2', severity: 4, firstoccurrence: at(5) }),
        event(c, { ieventid: 'x3', severity: 0, firstoccurrence: at(10) }),
      ];
      await publish(oneBatch, 'allevents', evs(oneBatch.customer));
      const [a1, a2, a3] = evs(split.customer);
      await publish(split, 'allevents', [a1, a3]);
      await eventsStored(split, 2);
      await publish(split, 'allevents', a2); // arrives after the clear, but happened before it
      await eventsStored(oneBatch, 3);
      await eventsStored(split, 3);
      const strip = ({ id, envcustomerid, ...rest }: Json) => rest;
      const [x] = (await alerts(oneBatch)).results;
      const [y] = (await alerts(split)).results;
      expect(x).toMatchObject({ state: 'RESOLVED', count: 3 });
      expect(strip(y)).toEqual(strip(x));
    });
  });

  describe('identity (envcustomerid, entityid, parametercategory, parameterid, splitby)', () => {
    it('splitby makes separate alerts of one parameter', async () => {
      const t = await tenant(gw);
      const disk = (splitby: string | undefined, ieventid: string, severity: unknown) =>
        event(t.customer, {
          ieventid,
          parametercategory: 'disk',
          parametername: 'disk.used',
          severity,
          ...(splitby && { splitby }),
        });
      await publish(t, 'allevents', [
        disk('/var', 'v1', 'major'),
        disk('/home', 'h1', 'minor'),
        disk(undefined, 'n1', 'warning'),
        disk('/var', 'v2', 'critical'),
      ]);
      await eventsStored(t, 4);
      const list = await alerts(t);
      expect(list.totalCount).toBe(3);
      const bySplit = Object.fromEntries(list.results.map((a: Json) => [String(a.splitby), a]));
      expect(Object.keys(bySplit).sort()).toEqual(['/home', '/var', 'null']);
      expect(bySplit['/var']).toMatchObject({
        parametercategory: 'disk',
        parameterid: 'disk.used',
        severity: 5,
        previousSeverity: 4,
        count: 2,
      });
      expect(bySplit['/home']).toMatchObject({ severity: 3, count: 1 });
      expect(bySplit.null).toMatchObject({ splitby: null, severity: 2, count: 1 });
    });

    it('parameterid defaults to parametername: an explicit equal parameterid is the same alert, a different one is another', async () => {
      const t = await tenant(gw);
      await publish(t, 'allevents', [
        event(t.customer, { ieventid: 'p1', firstoccurrence: at(0) }),
        event(t.customer, { ieventid: 'p2', parameterid: 'cpu.utilization', firstoccurrence: at(1) }),
        event(t.customer, { ieventid: 'p3', parameterid: 'cpu.core0', firstoccurrence: at(2) }),
      ]);
      await eventsStored(t, 3);
      const list = await alerts(t);
      expect(list.results.map((a: Json) => [a.parameterid, a.parametername, a.count])).toEqual([
        ['cpu.core0', 'cpu.utilization', 1],
        ['cpu.utilization', 'cpu.utilization', 2],
      ]);
      const stored = await events(t);
      expect(Object.fromEntries(stored.results.map((e: Json) => [e.ieventid, e.parameterid]))).toEqual({
        p1: 'cpu.utilization',
        p2: 'cpu.utilization',
        p3: 'cpu.core0',
      });
    });

    it('the same identity under another customer is another alert', async () => {
      const a = await tenant(gw);
      const b = await tenant(gw);
      await publish(a, 'allevents', event(a.customer, { ieventid: 'same' }));
      await publish(b, 'allevents', event(b.customer, { ieventid: 'same' }));
      await eventsStored(a, 1);
      await eventsStored(b, 1);
      const [x] = (await alerts(a)).results;
      const [y] = (await alerts(b)).results;
      expect(x.id).not.toBe(y.id);
      expect([x.count, y.count]).toEqual([1, 1]);
    });
  });

  describe('one batch', () => {
    it('folds events of one batch in order of lastoccurrence, not arrival (resolve sent first, but later in time)', async () => {
      const t = await tenant(gw);
      await publish(t, 'allevents', [
        event(t.customer, { ieventid: 'resolve', severity: 'clear', firstoccurrence: at(10) }),
        event(t.customer, { ieventid: 'open', severity: 'major', firstoccurrence: at(0) }),
      ]);
      await eventsStored(t, 2);
      const list = await alerts(t);
      expect(list.results).toHaveLength(1);
      expect(list.results[0]).toMatchObject({
        state: 'RESOLVED',
        severity: 0,
        previousSeverity: 4,
        count: 2,
        firstoccurrence: at(0),
        lastoccurrence: at(10),
        resolvedAt: at(10),
      });
      expect(history(await alert(t, list.results[0].id))).toEqual([
        `opened null->OPEN null->4 open @${at(0)}`,
        `resolved OPEN->RESOLVED 4->0 resolve @${at(10)}`,
      ]);
    });

    it('orders by lastoccurrence (not firstoccurrence): open, resolve and reopen shuffled in one batch', async () => {
      const t = await tenant(gw);
      await publish(t, 'allevents', [
        event(t.customer, { ieventid: 'reopen', severity: 'critical', firstoccurrence: at(1), lastoccurrence: at(30) }),
        event(t.customer, { ieventid: 'resolve', severity: 0, firstoccurrence: at(2), lastoccurrence: at(20) }),
        event(t.customer, { ieventid: 'open', severity: 3, firstoccurrence: at(3), lastoccurrence: at(10) }),
      ]);
      await eventsStored(t, 3);
      const [a] = (await alerts(t)).results;
      expect(a).toMatchObject({
        state: 'OPEN',
        severity: 5,
        previousSeverity: 0,
        count: 3,
        lastoccurrence: at(30),
        resolvedAt: null,
      });
      expect(history(await alert(t, a.id))).toEqual([
        `opened null->OPEN null->3 open @${at(10)}`,
        `resolved OPEN->RESOLVED 3->0 resolve @${at(20)}`,
        `reopened RESOLVED->OPEN 0->5 reopen @${at(30)}`,
      ]);
    });

    it('events of the same lastoccurrence fold in the order they were sent, whatever their ids', async () => {
      const t = await tenant(gw);
      // 'evt-9' sorts after 'evt-10': arrival order, not id order, must decide.
      await publish(t, 'allevents', [
        event(t.customer, { ieventid: 'evt-9', severity: 'critical', firstoccurrence: at(5), description: 'first' }),
        event(t.customer, { ieventid: 'evt-10', severity: 'clear', firstoccurrence: at(5), description: 'second' }),
      ]);
      await eventsStored(t, 2);
      const [a] = (await alerts(t)).results;
      expect(a).toMatchObject({ state: 'RESOLVED', severity: 0, previousSeverity: 5, count: 2, description: 'second' });
      expect(history(await alert(t, a.id))).toEqual([
        `opened null->OPEN null->5 evt-9 @${at(5)}`,
        `resolved OPEN->RESOLVED 5->0 evt-10 @${at(5)}`,
      ]);
    });
  });

  describe('duplicates and retries', () => {
    it('re-sending the same events creates no event rows and changes no alert', async () => {
      const t = await tenant(gw);
      const batch = [
        event(t.customer, { ieventid: 'd1', severity: 'minor', firstoccurrence: at(0) }),
        event(t.customer, { ieventid: 'd2', severity: 'major', firstoccurrence: at(1) }),
        event(t.customer, { ieventid: 'd3', severity: 'clear', firstoccurrence: at(2) }),
      ];
      await publish(t, 'allevents', batch);
      await eventsStored(t, 3);
      const [before] = (await alerts(t)).results;
      const detailBefore = await alert(t, before.id);
      const eventsBefore = await events(t);
      expect(before).toMatchObject({ state: 'RESOLVED', count: 3 });

      // The client retries the whole request, twice, and once in a different order.
      await publishAndDrain(t, batch);
      await publishAndDrain(t, [batch[2], batch[0], batch[1]]);
      expect(await events(t)).toEqual(eventsBefore);
      expect(await alert(t, before.id)).toEqual(detailBefore);

      // A new event still counts on top of the old ones: the pipeline was not stuck.
      await publish(t, 'allevents', [
        batch[1],
        event(t.customer, { ieventid: 'd4', severity: 'major', firstoccurrence: at(3) }),
      ]);
      await eventsStored(t, 4);
      expect(await alert(t, before.id)).toMatchObject({ state: 'OPEN', count: 4, severity: 4 });
    });

    it('a repeat with different content is still a no-op: the first copy wins, in one batch and across batches', async () => {
      const t = await tenant(gw);
      await publish(t, 'allevents', [
        event(t.customer, { ieventid: 'r1', severity: 'major', description: 'first copy', firstoccurrence: at(0) }),
        event(t.customer, { ieventid: 'r1', severity: 'critical', description: 'second copy', firstoccurrence: at(1) }),
      ]);
      await eventsStored(t, 1);
      await publishAndDrain(t, [
        event(t.customer, { ieventid: 'r1', severity: 'clear', description: 'third copy', firstoccurrence: at(2) }),
      ]);
      const stored = await events(t);
      expect(stored.totalCount).toBe(1);
      expect(stored.results[0]).toMatchObject({
        ieventid: 'r1',
        severity: 4,
        description: 'first copy',
        firstoccurrence: at(0),
      });
      const [a] = (await alerts(t)).results;
      expect(a).toMatchObject({
        state: 'OPEN',
        severity: 4,
        count: 1,
        lastoccurrence: at(0),
        description: 'first copy',
      });
    });

    it('the same job processed twice (a crash after commit) leaves the same rows', async () => {
      const t = await tenant(gw);
      const job: PublishJob<EventRecord> = {
        requestId: uniqueId('req'),
        receivedAt: new Date().toISOString(),
        userId: 'test',
        records: [
          event(t.customer, { ieventid: 'j1', severity: 'major', firstoccurrence: at(0) }),
          event(t.customer, { ieventid: 'j2', severity: 'critical', firstoccurrence: at(1) }),
          event(t.customer, { ieventid: 'j3', severity: 'clear', firstoccurrence: at(2) }),
          event(t.customer, { ieventid: 'j4', severity: 'warning', firstoccurrence: at(3), splitby: 'eth0' }),
          event(t.customer, { ieventid: 'j5', severity: 'minor', firstoccurrence: at(4), vendor: { id: 7 } }),
        ] as EventRecord[],
      };
      const snapshot = async () => ({
        events: await gw.prisma.event.findMany({ where: { envcustomerid: t.customer }, orderBy: { id: 'asc' } }),
        alerts: await gw.prisma.alert.findMany({ where: { envcustomerid: t.customer }, orderBy: { id: 'asc' } }),
        history: await gw.prisma.alertHistory.findMany({
          where: { alert: { envcustomerid: t.customer } },
          orderBy: { id: 'asc' },
        }),
      });
      const writer = worker.get(EventWriter);

      const first = await writer.write(job);
      expect(first).toMatchObject({ stored: 5, duplicates: 0 });
      const once = await snapshot();
      expect(once.events).toHaveLength(5);
      expect(once.alerts.map((a) => [a.splitby, a.state, a.count])).toEqual(
        expect.arrayContaining([
          ['', 'OPEN', 4],
          ['eth0', 'OPEN', 1],
        ]),
      );
      expect(once.history.map((h) => h.kind)).toEqual(['opened', 'severity', 'resolved', 'reopened', 'opened']);
      const apiOnce = { alerts: await alerts(t), events: await events(t) };

      // The worker crashed after the commit: BullMQ hands the same job out again.
      const second = await writer.write(job);
      expect(second).toEqual({ stored: 0, duplicates: 5, alerts: [] });
      expect(await snapshot()).toEqual(once);

      // And once more through the queue, as a redelivered job.
      await queue.add(QueueName.Events, { ...job, requestId: uniqueId('req') });
      await drained(gw, QueueName.Events);
      expect(await snapshot()).toEqual(once);
      expect({ alerts: await alerts(t), events: await events(t) }).toEqual(apiOnce);
    });
  });

  describe('jobs written together (group commit)', () => {
    it('concurrent jobs share transactions, each told what its own events did; an event sent by several is stored once', async () => {
      const t = await tenant(gw);
      const writer = worker.get(EventWriter);
      const jobs = Array.from({ length: 6 }, (_, j) =>
        job(t, [
          event(t.customer, { ieventid: `g${j}-a`, entityid: `host-${j}`, severity: 'major', firstoccurrence: at(j) }),
          event(t.customer, {
            ieventid: `g${j}-b`,
            entityid: `host-${j}`,
            severity: 'clear',
            firstoccurrence: at(j + 10),
          }),
          // Every job also carries the same event: exactly one of them stores it.
          event(t.customer, {
            ieventid: 'shared',
            entityid: 'host-shared',
            severity: 'critical',
            firstoccurrence: at(j),
            description: `from job ${j}`,
          }),
        ]),
      );
      const results = await Promise.all(jobs.map((j) => writer.write(j)));

      const winner = results.findIndex((r) => r.stored === 3);
      expect(results.map((r, j) => [r.stored, r.duplicates, j === winner])).toEqual(
        results.map((_, j) => (j === winner ? [3, 0, true] : [2, 1, false])),
      );
      results.forEach((r, j) => {
        const own = r.alerts.map((a) => [a.identity.entityid, a.state]);
        expect(own).toEqual(expect.arrayContaining([[`host-${j}`, 'RESOLVED']]));
        expect(own).toHaveLength(j === winner ? 2 : 1);
      });

      const rows = await gw.prisma.$queryRaw<{ ieventid: string; description: string; tx: string }[]>`
        SELECT ieventid, description, xmin::text AS tx FROM events WHERE envcustomerid = ${t.customer}`;
      expect(rows).toHaveLength(13);
      expect(rows.find((r) => r.ieventid === 'shared')?.description).toBe(`from job ${winner}`);
      // Two groups start at once (one job each); the other four jobs wait and go together.
      expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(6);
      const shared = (await alerts(t, '&entityid=host-shared')).results;
      expect(shared).toEqual([expect.objectContaining({ state: 'OPEN', severity: 5, count: 1 })]);
    });

    it('a job whose events the database refuses fails alone; the jobs written with it are stored', async () => {
      const t = await tenant(gw);
      const writer = worker.get(EventWriter);
      // An ieventid too large for the unique index: PostgreSQL refuses the row (SQLSTATE 54000).
      const tooLarge = job(t, [
        event(t.customer, { ieventid: `x${randomBytes(6000).toString('hex')}`, firstoccurrence: at(0) }),
      ]);
      const good = Array.from({ length: 5 }, (_, j) =>
        job(t, [event(t.customer, { ieventid: `ok-${j}`, entityid: `host-${j}`, firstoccurrence: at(j) })]),
      );
      const settled = await Promise.allSettled(
        [good[0], good[1], good[2], tooLarge, good[3], good[4]].map((j) => writer.write(j)),
      );

      expect(settled.map((s) => s.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      expect((settled[3] as PromiseRejectedResult).reason).toMatchObject({ code: '54000' });
      const stored = await gw.prisma.event.findMany({
        where: { envcustomerid: t.customer },
        select: { ieventid: true },
        orderBy: { ieventid: 'asc' },
      });
      expect(stored.map((e) => e.ieventid)).toEqual(['ok-0', 'ok-1', 'ok-2', 'ok-3', 'ok-4']);
      expect((await alerts(t)).totalCount).toBe(5);
    });
  });

  describe('alert writes', () => {
    it('an existing alert is updated in place: same id, one row, the fold applied', async () => {
      const t = await tenant(gw);
      const writer = worker.get(EventWriter);
      await writer.write(job(t, [event(t.customer, { ieventid: 'u1', severity: 'major', firstoccurrence: at(0) })]));
      const [created] = await gw.prisma.alert.findMany({ where: { envcustomerid: t.customer } });
      await writer.write(
        job(t, [
          event(t.customer, { ieventid: 'u2', severity: 'critical', firstoccurrence: at(5), description: 'worse' }),
        ]),
      );
      const rows = await gw.prisma.alert.findMany({ where: { envcustomerid: t.customer } });
      expect(rows).toEqual([
        expect.objectContaining({
          id: created.id,
          severity: 5,
          previousSeverity: 4,
          count: 2,
          description: 'worse',
          createdAt: created.createdAt,
        }),
      ]);
      expect(rows[0].lastoccurrence.toISOString()).toBe(at(5));
      expect(rows[0].updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
    });

    it('an alert deleted while its events are being written is written again, with its id', async () => {
      const t = await tenant(gw);
      const writer = worker.get(EventWriter);
      await writer.write(job(t, [event(t.customer, { ieventid: 'v1', severity: 'major', firstoccurrence: at(0) })]));
      const [created] = await gw.prisma.alert.findMany({ where: { envcustomerid: t.customer } });

      // Another session deletes the alert and keeps the row locked: the writer reads the alert,
      // its UPDATE waits for the lock and then finds the row gone.
      let writing: Promise<unknown> | undefined;
      await gw.prisma.$transaction(
        async (tx) => {
          await tx.$executeRaw`DELETE FROM alerts WHERE id = ${created.id}::uuid`;
          writing = writer.write(
            job(t, [event(t.customer, { ieventid: 'v2', severity: 'critical', firstoccurrence: at(1) })]),
          );
          await eventually(
            () => gw.prisma.$queryRaw<{ n: number }[]>`
              SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE alerts a SET%'`,
            (r) => r[0].n === 1,
          );
        },
        { timeout: 15_000 },
      );
      await writing;

      const rows = await gw.prisma.alert.findMany({ where: { envcustomerid: t.customer } });
      expect(rows).toEqual([expect.objectContaining({ id: created.id, severity: 5, count: 2, state: 'OPEN' })]);
      const history = await gw.prisma.alertHistory.findMany({ where: { alertId: created.id } });
      expect(history.map((h) => h.kind)).toEqual(['severity']);
    });
  });

  describe('GET /api/v1/events', () => {
    it('shows stored events with defaults applied and unknown extra fields kept', async () => {
      const t = await tenant(gw);
      const e = event(t.customer, {
        ieventid: 'x-1',
        toolcustomername: 'ACME (tool)',
        parametertype: 'gauge',
        messages: 'cpu hot',
        splitby: 'core0',
        source: 'nagios',
        severity: 'Minor',
        customfield: 'abc',
        nested: { rack: 'r12', slots: [1, 2] },
        flag: false,
        receivedAt: '1999-01-01T00:00:00Z', // unknown to §2.1, but must not pass for the server's own field
      });
      const before = Date.now();
      await publish(t, 'allevents', e);
      const stored = await eventsStored(t, 1);
      expect(stored.results).toEqual([
        {
          envcustomerid: t.customer,
          ieventid: 'x-1',
          entity: 'web-01',
          entityid: 'host-4711',
          parametercategory: 'cpu',
          parametertype: 'gauge',
          parametername: 'cpu.utilization',
          parameterid: 'cpu.utilization',
          severity: 3,
          description: 'CPU above 95% for 10 minutes',
          messages: 'cpu hot',
          firstoccurrence: '2024-05-01T12:00:00.000Z',
          lastoccurrence: '2024-05-01T12:00:00.000Z',
          splitby: 'core0',
          source: 'nagios',
          toolcustomername: 'ACME (tool)',
          receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          customfield: 'abc',
          nested: { rack: 'r12', slots: [1, 2] },
          flag: false,
        },
      ]);
      expect(Date.parse(stored.results[0].receivedAt)).toBeGreaterThanOrEqual(before - 1000);
      // The unknown field is kept all the same.
      expect((await gw.prisma.event.findFirstOrThrow({ where: { envcustomerid: t.customer } })).extra).toMatchObject({
        receivedAt: '1999-01-01T00:00:00Z',
      });
    });

    it('filters by entityid and a lastoccurrence range, newest first, paged', async () => {
      const t = await tenant(gw);
      await publish(
        t,
        'allevents',
        [0, 1, 2, 3].map((i) =>
          event(t.customer, { ieventid: `f${i}`, entityid: i % 2 ? 'odd' : 'even', firstoccurrence: at(i) }),
        ),
      );
      await eventsStored(t, 4);
      expect((await events(t)).results.map((e: Json) => e.ieventid)).toEqual(['f3', 'f2', 'f1', 'f0']);
      expect((await events(t, '&entityid=odd')).results.map((e: Json) => e.ieventid)).toEqual(['f3', 'f1']);
      const range = await events(t, `&from=${at(1)}&to=${at(3)}`);
      expect(range).toMatchObject({ totalCount: 2 });
      expect(range.results.map((e: Json) => e.ieventid)).toEqual(['f2', 'f1']);
      const page = await get(t, `/api/v1/events?customerid=${t.customer}&pageNum=2&itemsPerPage=3`);
      expect(page.totalCount).toBe(4);
      expect(page.results.map((e: Json) => e.ieventid)).toEqual(['f0']);
    });
  });

  describe('GET /api/v1/alerts', () => {
    let t: Tenant;
    let other: Tenant;
    beforeAll(async () => {
      t = await tenant(gw);
      other = await tenant(gw);
      await publish(t, 'allevents', [
        event(t.customer, {
          ieventid: 'A',
          entityid: 'host-a',
          parameterid: 'p1',
          severity: 'critical',
          firstoccurrence: at(1),
        }),
        event(t.customer, {
          ieventid: 'B',
          entityid: 'host-b',
          parameterid: 'p1',
          severity: 'warning',
          firstoccurrence: at(3),
        }),
        event(t.customer, {
          ieventid: 'C1',
          entityid: 'host-a',
          parameterid: 'p2',
          severity: 'major',
          firstoccurrence: at(2),
        }),
        event(t.customer, {
          ieventid: 'C2',
          entityid: 'host-a',
          parameterid: 'p2',
          severity: 'clear',
          firstoccurrence: at(4),
        }),
        event(t.customer, {
          ieventid: 'D',
          entityid: 'host-c',
          parameterid: 'p1',
          severity: 'minor',
          firstoccurrence: at(5),
        }),
        event(t.customer, {
          ieventid: 'E',
          entityid: 'host-b',
          parameterid: 'p3',
          severity: 'Major',
          firstoccurrence: at(0),
        }),
      ]);
      await publish(
        other,
        'allevents',
        event(other.customer, { ieventid: 'Z', entityid: 'host-a', severity: 'critical', firstoccurrence: at(9) }),
      );
      await eventsStored(t, 6);
      await eventsStored(other, 1);
    });

    const ids = (body: Json) => body.results.map((a: Json) => `${a.entityid}/${a.parameterid}`);

    it('lists newest lastoccurrence first with totalCount', async () => {
      const all = await alerts(t);
      expect(all.totalCount).toBe(5);
      expect(ids(all)).toEqual(['host-c/p1', 'host-a/p2', 'host-b/p1', 'host-a/p1', 'host-b/p3']);
      expect(all.results.map((a: Json) => a.lastoccurrence)).toEqual([at(5), at(4), at(3), at(1), at(0)]);
    });

    it('pages with pageNum and itemsPerPage', async () => {
      const pages = await Promise.all([1, 2, 3, 4].map((n) => alerts(t, `&pageNum=${n}&itemsPerPage=2`)));
      expect(pages.map((p) => p.totalCount)).toEqual([5, 5, 5, 5]);
      expect(pages.map(ids)).toEqual([['host-c/p1', 'host-a/p2'], ['host-b/p1', 'host-a/p1'], ['host-b/p3'], []]);
    });

    it('filters by state, entityid and minseverity, alone and together', async () => {
      expect(ids(await alerts(t, '&state=OPEN'))).toEqual(['host-c/p1', 'host-b/p1', 'host-a/p1', 'host-b/p3']);
      expect(ids(await alerts(t, '&state=RESOLVED'))).toEqual(['host-a/p2']);
      expect(await alerts(t, '&state=ACKNOWLEDGED')).toEqual({ results: [], totalCount: 0 });
      expect(ids(await alerts(t, '&entityid=host-a'))).toEqual(['host-a/p2', 'host-a/p1']);
      expect(ids(await alerts(t, '&minseverity=4'))).toEqual(['host-a/p1', 'host-b/p3']);
      expect(ids(await alerts(t, '&minseverity=3'))).toEqual(['host-c/p1', 'host-a/p1', 'host-b/p3']);
      expect((await alerts(t, '&minseverity=0')).totalCount).toBe(5);
      const both = await alerts(t, '&entityid=host-b&minseverity=3&state=OPEN');
      expect(both.totalCount).toBe(1);
      expect(ids(both)).toEqual(['host-b/p3']);
    });

    it("without customerid lists only the user's customers; another customer's alerts are 403", async () => {
      const mine = await get(t, '/api/v1/alerts');
      expect(mine.totalCount).toBe(5);
      expect(mine.results.every((a: Json) => a.envcustomerid === t.customer)).toBe(true);
      expect(await get(t, `/api/v1/alerts?customerid=${other.customer}`, 403)).toEqual({ message: 'Access denied' });
      const [z] = (await alerts(other)).results;
      expect(await get(t, `/api/v1/alerts/${z.id}`, 403)).toEqual({ message: 'Access denied' });
    });

    it('refuses bad filters with 400 Invalid payload', async () => {
      for (const q of ['&state=CLOSED', '&minseverity=6', '&minseverity=high', '&itemsPerPage=501', '&pageNum=0']) {
        const body = await get(t, `/api/v1/alerts?customerid=${t.customer}${q}`, 400);
        expect(body).toMatchObject({
          message: 'Invalid payload',
          errors: [expect.objectContaining({ field: q.slice(1).split('=')[0] })],
        });
      }
    });

    it('answers 404 Alert not found for an unknown id and for an id that is not a uuid', async () => {
      expect(await get(t, '/api/v1/alerts/00000000-0000-4000-8000-000000000000', 404)).toEqual({
        message: 'Alert not found',
      });
      expect(await get(t, '/api/v1/alerts/not-a-uuid', 404)).toEqual({ message: 'Alert not found' });
    });

    it('answers 401 without a token', async () => {
      const res = await gw.inject({ method: 'GET', url: `/api/v1/alerts?customerid=${t.customer}` });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ message: 'Missing access token' });
    });
  });

  describe('PUT /api/v1/alerts/{id}/ticket', () => {
    const put = (headers: Record<string, string>, id: string, payload: object) =>
      gw.inject({ method: 'PUT', url: `/api/v1/alerts/${id}/ticket`, headers, payload });

    it('links a ticket, shows it on the alert and records it in the history; later events keep it', async () => {
      const t = await tenant(gw);
      await publish(t, 'allevents', event(t.customer, { ieventid: 'tk1', severity: 'major' }));
      await eventsStored(t, 1);
      const [a] = (await alerts(t)).results;

      const res = await put(t.auth, a.id, { sysid: 'a1b2c3d4e5f6', number: 'INC0010001' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ...a, ticket: { sysid: 'a1b2c3d4e5f6', number: 'INC0010001' } });

      const detail = await alert(t, a.id);
      expect(detail.ticket).toEqual({ sysid: 'a1b2c3d4e5f6', number: 'INC0010001' });
      expect(detail.history).toHaveLength(2);
      expect(detail.history[1]).toEqual({
        at: expect.stringMatching(/^\d{4}-/),
        kind: 'ticket',
        fromState: 'OPEN',
        toState: 'OPEN',
        fromSeverity: null,
        toSeverity: null,
        ieventid: null,
        actor: t.email,
        source: 'manual',
        note: 'linked ticket INC0010001',
      });

      // Without a number; relinking replaces the ticket.
      const relink = await put(t.auth, a.id, { sysid: 'ffff0000' });
      expect(relink.statusCode).toBe(200);
      expect(relink.json().ticket).toEqual({ sysid: 'ffff0000', number: null });

      await publish(t, 'allevents', event(t.customer, { ieventid: 'tk2', severity: 'clear', firstoccurrence: at(5) }));
      await eventsStored(t, 2);
      const after = await alert(t, a.id);
      expect(after).toMatchObject({ state: 'RESOLVED', count: 2, ticket: { sysid: 'ffff0000', number: null } });
      expect(after.history.map((h: Json) => h.kind)).toEqual(['opened', 'ticket', 'ticket', 'resolved']);
    });

    it('409 for a ticket already linked to another alert of the customer (an ITSM callback must find one alert)', async () => {
      const t = await tenant(gw);
      await publish(t, 'allevents', [
        event(t.customer, { ieventid: 'dup-a', entityid: 'host-a' }),
        event(t.customer, { ieventid: 'dup-b', entityid: 'host-b' }),
      ]);
      await eventsStored(t, 2);
      const [first, second] = (await alerts(t)).results;
      expect((await put(t.auth, first.id, { sysid: 'shared-1', number: 'INC1' })).statusCode).toBe(200);
      const clash = await put(t.auth, second.id, { sysid: 'shared-1' });
      expect(clash.statusCode).toBe(409);
      expect(clash.json()).toEqual({ message: `Ticket shared-1 is already linked to alert ${first.id}` });
      expect((await put(t.auth, first.id, { sysid: 'shared-1', number: 'INC1' })).statusCode).toBe(200);
      const other = await tenant(gw);
      await publish(other, 'allevents', event(other.customer, { ieventid: 'dup-c' }));
      await eventsStored(other, 1);
      const [foreign] = (await alerts(other)).results;
      expect((await put(other.auth, foreign.id, { sysid: 'shared-1' })).statusCode).toBe(200);
    });

    it("400 for a blank or missing sysid, 404 for an unknown alert, 403 for a UI user and for another customer's user, 401 without a token", async () => {
      const t = await tenant(gw);
      await publish(t, 'allevents', event(t.customer, { ieventid: 'tk' }));
      await eventsStored(t, 1);
      const [a] = (await alerts(t)).results;

      for (const body of [{ sysid: '   ' }, { sysid: '' }, { number: 'INC1' }, { sysid: 42 }]) {
        const res = await put(t.auth, a.id, body);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({
          message: 'Invalid payload',
          errors: [expect.objectContaining({ field: 'sysid' })],
        });
      }

      const unknown = await put(t.auth, '00000000-0000-4000-8000-000000000000', { sysid: 'x' });
      expect([unknown.statusCode, unknown.json()]).toEqual([404, { message: 'Alert not found' }]);
      const notUuid = await put(t.auth, 'nope', { sysid: 'x' });
      expect([notUuid.statusCode, notUuid.json()]).toEqual([404, { message: 'Alert not found' }]);

      const ui = await apiUser(gw, [t.customer], { type: 'UI' });
      const uiPut = await put(ui.auth, a.id, { sysid: 'x' });
      expect([uiPut.statusCode, uiPut.json()]).toEqual([403, { message: 'Access denied' }]);
      // ...though the UI user may read the alert.
      const uiGet = await gw.inject({ method: 'GET', url: `/api/v1/alerts/${a.id}`, headers: ui.auth });
      expect(uiGet.statusCode).toBe(200);

      const stranger = await tenant(gw);
      const strangerPut = await put(stranger.auth, a.id, { sysid: 'x' });
      expect([strangerPut.statusCode, strangerPut.json()]).toEqual([403, { message: 'Access denied' }]);

      const anonymous = await gw.inject({
        method: 'PUT',
        url: `/api/v1/alerts/${a.id}/ticket`,
        payload: { sysid: 'x' },
      });
      expect([anonymous.statusCode, anonymous.json()]).toEqual([401, { message: 'Missing access token' }]);

      const detail = await alert(t, a.id);
      expect(detail.ticket).toBeNull();
      expect(detail.history.map((h: Json) => h.kind)).toEqual(['opened']);
    });
  });
});
