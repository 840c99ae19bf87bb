import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis from 'ioredis';

import { QueueName } from '@sluice/queue';

import { apiUser, createCustomer, entity, event, metric } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import type { Json } from '../helpers/tenant';
import { eventually, startWorker } from '../helpers/worker';

/**
 * Index keys: the text columns of a database index key (alert identity, metric sample key, entity
 * relation) may have at most 2000 bytes of UTF-8 together. A record over it is a 400 naming the
 * field; a record at it is a 200 that the real worker stores, with no failed job.
 */

const BOUND = 2000;
const bytes = (s: string) => Buffer.byteLength(s);
/** `n` random printable ASCII characters, quotes and backslashes included. */
const ascii = (n: number) =>
  Array.from({ length: n }, () => String.fromCharCode(0x21 + Math.floor(Math.random() * 94))).join('');
/** `n` random CJK ideographs: 3 bytes of UTF-8 each. */
const cjk = (n: number) =>
  Array.from({ length: n }, () => String.fromCharCode(0x4e00 + Math.floor(Math.random() * 0x5000))).join('');
/** `n` random emoji: 2 UTF-16 units and 4 bytes of UTF-8 each. */
const emoji = (n: number) =>
  Array.from({ length: n }, () => String.fromCodePoint(0x1f600 + Math.floor(Math.random() * 64))).join('');
/** Metric tags as the worker keys a series. */
const tagsKey = (tags: Record<string, string>) =>
  JSON.stringify(
    Object.keys(tags)
      .sort()
      .map((k) => [k, tags[k]]),
  );

describe('index keys within PostgreSQL limits', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;
  let redis: Redis;
  const queues = new Map<QueueName, Queue>();
  let customer: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    gw = await startGateway();
    worker = await startWorker(gw.redisPrefix);
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    for (const name of [QueueName.Events, QueueName.Metrics, QueueName.EntityTopology]) {
      queues.set(name, new Queue(name, { connection: redis, prefix: gw.queuePrefix }));
    }
    customer = (await createCustomer(gw.prisma)).id;
    auth = (await apiUser(gw, [customer])).auth;
  });
  afterAll(async () => {
    await Promise.all([...queues.values()].map((q) => q.close()));
    redis?.disconnect();
    await worker?.close();
    await gw?.close();
  });

  const post = (route: string, payload: object) =>
    gw.inject({ method: 'POST', url: `/publish/${route}`, headers: auth, payload });

  async function refused(route: string, record: Json, field: string, fields: RegExp) {
    const res = await post(route, [record]);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toEqual({ message: 'Invalid payload', errors: [{ index: 0, field, error: expect.any(String) }] });
    expect(body.errors[0].error).toMatch(fields);
    expect(body.errors[0].error).toMatch(/together must be at most 2000 bytes in UTF-8 \(index key limit\), not \d+$/);
  }

  /**
   * Publishes, then waits for the worker to finish the job: it must complete, not fail. A
   * completed job is removed from the queue (its state reads 'unknown'); a failed one is kept.
   */
  async function stored(route: string, queue: QueueName, records: Json[]) {
    const res = await post(route, records);
    expect(res.statusCode).toBe(200);
    const id: string = res.json().requestId;
    const q = queues.get(queue)!;
    const state = await eventually(
      () => q.getJobState(id),
      (s) => s === 'unknown' || s === 'completed' || s === 'failed',
      20_000,
    );
    const failedReason = state === 'failed' ? (await q.getJob(id))?.failedReason : undefined;
    expect({ state, failedReason }).toEqual({
      state: expect.stringMatching(/^(unknown|completed)$/),
      failedReason: undefined,
    });
  }

  describe('refused at the gateway, naming the field', () => {
    it('a metric whose tags are three values of 1024 printable characters', async () => {
      const tags = { a: ascii(1024), b: ascii(1024), c: ascii(1024) };
      await refused(
        'metrics',
        metric(customer, { tags }),
        'tags',
        /^envcustomerid, entityid, parameterid \(parametername when absent\) and tags/,
      );
    });

    it('a metric with 200 tags of 1024 characters', async () => {
      const tags = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, ascii(1024)]));
      await refused('metrics', metric(customer, { tags }), 'tags', /and tags \(as JSON\)/);
    });

    it('an event whose parameterid defaults to 1000 CJK characters of parametername', async () => {
      await refused(
        'allevents',
        event(customer, { parametername: cjk(1000) }),
        'parametername',
        /parameterid \(parametername when absent\) and splitby/,
      );
    });

    it('a metric whose parameterid defaults to 1000 CJK characters of parametername', async () => {
      await refused(
        'metrics',
        metric(customer, { parametername: cjk(1000), tags: undefined }),
        'parametername',
        /^envcustomerid, entityid, parameterid/,
      );
    });

    it('an event whose explicit ids add up to more than the bound', async () => {
      const record = event(customer, {
        entityid: cjk(256),
        parametercategory: cjk(256),
        parameterid: cjk(256),
        splitby: 'x',
      });
      await refused('allevents', record, 'entityid', /^envcustomerid, entityid, parametercategory/);
    });

    it('an entity relation whose ids add up to more than the bound', async () => {
      const record = entity(customer, {
        entityid: cjk(200),
        relations: [
          { targetentityid: 'ok', relationtype: 'runs_on' },
          { targetentityid: cjk(256), relationtype: cjk(256) },
        ],
      });
      const res = await post('entity', [record]);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([
        {
          index: 0,
          field: 'relations.1.targetentityid',
          error: expect.stringMatching(
            /^envcustomerid, entityid, targetentityid and relationtype of a relation together must be at most 2000 bytes/,
          ),
        },
      ]);
    });

    it('one byte over the bound, in a batch: only that record is named and nothing is queued', async () => {
      const name = cjk(500);
      const entityid = ascii(BOUND - bytes(customer) - bytes('cpu') - bytes(name) - 256 + 1);
      const over = event(customer, { entityid, parametername: name, splitby: 'q'.repeat(256) });
      const res = await post('allevents', [event(customer), over]);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([
        { index: 1, field: 'parametername', error: expect.stringMatching(/, not 2001$/) },
      ]);
      expect(await gw.jobs(QueueName.Events)).toEqual([]);
    });
  });

  describe('accepted at the bound and stored by the worker', () => {
    it('events: ASCII, CJK and emoji identities of exactly 2000 bytes', async () => {
      const name = cjk(500);
      const asciiAndCjk: Json = event(customer, {
        entityid: ascii(BOUND - bytes(customer) - bytes('cpu') - bytes(name) - 256),
        parametername: name,
        splitby: ascii(256),
      });
      const withEmoji: Json = event(customer, {
        entityid: cjk(256),
        parametercategory: emoji(128),
        parameterid: cjk(200),
        splitby: ascii(BOUND - bytes(customer) - 768 - 512 - 600),
      });
      for (const r of [asciiAndCjk, withEmoji]) {
        const key = [
          r.envcustomerid,
          r.entityid,
          r.parametercategory,
          r.parameterid ?? r.parametername,
          r.splitby,
        ].join('');
        expect(bytes(key)).toBe(BOUND);
      }
      await stored('allevents', QueueName.Events, [asciiAndCjk, withEmoji]);
      const alerts = await gw.prisma.$queryRaw<Json[]>`
        SELECT entityid, parameterid, splitby FROM alerts WHERE envcustomerid = ${customer} AND entityid IN (${asciiAndCjk.entityid}, ${withEmoji.entityid})`;
      expect(alerts).toEqual(
        expect.arrayContaining([
          { entityid: asciiAndCjk.entityid, parameterid: name, splitby: asciiAndCjk.splitby },
          { entityid: withEmoji.entityid, parameterid: withEmoji.parameterid, splitby: withEmoji.splitby },
        ]),
      );
      expect(alerts).toHaveLength(2);
    });

    it('metrics: default parameterid and tags with JSON escapes, exactly 2000 bytes as stored', async () => {
      const name = cjk(300);
      // Quotes and backslashes take two bytes each in the stored key: the bound counts them so.
      const head = { a: '"\\'.repeat(100), b: cjk(100) };
      const rest = BOUND - bytes(customer) - bytes('host-4711') - bytes(name) - bytes(tagsKey({ ...head, c: '' }));
      const tags = { ...head, c: ascii(rest).replace(/["\\]/g, '.') };
      expect(bytes(customer + 'host-4711' + name + tagsKey(tags))).toBe(BOUND);
      await stored('metrics', QueueName.Metrics, [metric(customer, { parametername: name, tags })]);
      const rows = await gw.prisma.$queryRaw<Json[]>`
        SELECT parameterid, tags FROM metric_samples WHERE envcustomerid = ${customer} AND parametername = ${name}`;
      expect(rows).toEqual([{ parameterid: name, tags }]);

      // One more byte in a tag is over.
      await refused(
        'metrics',
        metric(customer, { parametername: name, tags: { ...tags, c: tags.c + 'x' } }),
        'tags',
        /, not 2001$/,
      );
    });

    it('entities: a relation key of exactly 2000 bytes', async () => {
      const entityid = cjk(256);
      const targetentityid = cjk(256);
      const rest = BOUND - bytes(customer) - 2 * 768;
      const relationtype = cjk(Math.floor(rest / 3)) + ascii(rest % 3);
      expect(bytes(customer + entityid + targetentityid + relationtype)).toBe(BOUND);
      await stored('entity', QueueName.EntityTopology, [
        entity(customer, { entityid, relations: [{ targetentityid, relationtype }] }),
      ]);
      const rows = await gw.prisma.$queryRaw<Json[]>`
        SELECT target_entityid, relationtype FROM entity_relations WHERE envcustomerid = ${customer} AND source_entityid = ${entityid}`;
      expect(rows).toEqual([{ target_entityid: targetentityid, relationtype }]);
    });
  });
});
