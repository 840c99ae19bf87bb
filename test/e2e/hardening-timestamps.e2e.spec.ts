import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis from 'ioredis';

import { PUBLISH_TOPICS } from '@sluice/queue';

import { entity, event, heartbeat, metric, service, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { drained } from '../helpers/queues';
import { tenant } from '../helpers/tenant';
import { startWorker } from '../helpers/worker';

/**
 * A 200 means stored: every timestamp the gateway accepts is one the real worker can store in
 * PostgreSQL, on all five record kinds; every one it could not store is a 400 naming the field.
 * (Year 0 is no PostgreSQL year; an offset may carry a four-digit local time past either end of
 * 0001..9999; leap seconds and 24:00 are not accepted.)
 */

/** Accepted texts and the instant each one must be stored as. */
const STORABLE: [string, string][] = [
  ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
  ['0000-12-31T23:00:00-01:00', '0001-01-01T00:00:00.000Z'],
  ['0001-01-01T00:00:00.001-00:01', '0001-01-01T00:01:00.001Z'],
  ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ['9999-12-31T23:59:59.999+23:59', '9999-12-31T00:00:59.999Z'],
  ['2024-05-01T12:00:00+23:59', '2024-04-30T12:01:00.000Z'],
  ['2024-05-01T12:00:00-23:59', '2024-05-02T11:59:00.000Z'],
  ['2024-02-29T12:00:00.123456789Z', '2024-02-29T12:00:00.123Z'],
  ['1969-12-31 23:59:59.999', '1969-12-31T23:59:59.999Z'],
];

const UNSTORABLE = [
  '0000-02-29T12:00:00Z',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:30:00+01:00',
  '9999-12-31T23:00:00-02:00',
  '9999-12-31T12:00:00-23:59',
  '2024-05-01T23:59:60Z',
  '2024-05-01T24:00:00Z',
  '2024-05-01T12:00:00+24:00',
  '10000-01-01T00:00:00Z',
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
];

type Kind = 'allevents' | 'metrics' | 'entity' | 'service' | 'healthcheck';

/** One record of each kind, with a key of its own so that no two cases fold into one row. */
const RECORDS: Record<Kind, { field: string; make: (customer: string, key: string, ts: string) => object }> = {
  allevents: {
    field: 'firstoccurrence',
    make: (c, key, ts) => event(c, { ieventid: key, entityid: key, firstoccurrence: ts }),
  },
  metrics: { field: 'timestamp', make: (c, key, ts) => metric(c, { entityid: key, timestamp: ts }) },
  entity: { field: 'timestamp', make: (c, key, ts) => entity(c, { entityid: key, relations: [], timestamp: ts }) },
  service: { field: 'timestamp', make: (c, key, ts) => service(c, { serviceid: key, timestamp: ts }) },
  healthcheck: { field: 'timestamp', make: (c, key, ts) => heartbeat(c, { adapterid: key, timestamp: ts }) },
};

/** Each stored row's key and instant (epoch ms, read as a number so that no driver reparses it). */
const STORED_SQL: Record<Kind, string> = {
  allevents: `SELECT ieventid AS key, (extract(epoch FROM firstoccurrence) * 1000)::float8 AS ms FROM events WHERE envcustomerid = $1`,
  metrics: `SELECT entityid AS key, (extract(epoch FROM ts) * 1000)::float8 AS ms FROM metric_samples WHERE envcustomerid = $1`,
  entity: `SELECT entityid AS key, (extract(epoch FROM record_ts) * 1000)::float8 AS ms FROM topology_entities WHERE envcustomerid = $1`,
  service: `SELECT serviceid AS key, (extract(epoch FROM record_ts) * 1000)::float8 AS ms FROM topology_services WHERE envcustomerid = $1`,
  healthcheck: `SELECT adapterid AS key, (extract(epoch FROM lastseen) * 1000)::float8 AS ms FROM adapters WHERE envcustomerid = $1`,
};

const queueOf = (kind: Kind) => PUBLISH_TOPICS[kind].queue;

describe('timestamps: accepted means storable, on every record kind', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;
  let redis: Redis;

  beforeAll(async () => {
    gw = await startGateway();
    worker = await startWorker(gw.redisPrefix);
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    redis?.disconnect();
    await worker?.close();
    await gw?.close();
  });

  const stored = async (kind: Kind, customer: string) =>
    new Map(
      (await gw.prisma.$queryRawUnsafe<{ key: string; ms: number }[]>(STORED_SQL[kind], customer)).map((r) => [
        r.key,
        new Date(r.ms).toISOString(),
      ]),
    );

  describe.each(Object.keys(RECORDS) as Kind[])('POST /publish/%s', (kind) => {
    const { field, make } = RECORDS[kind];

    it('stores every edge-case timestamp it accepts, as the instant it names, and fails no job', async () => {
      const { customer, auth } = await tenant(gw);
      const cases = STORABLE.map(([text, iso]) => ({ key: uniqueId('ts'), text, iso }));
      const res = await gw.inject({
        method: 'POST',
        url: `/publish/${kind}`,
        headers: auth,
        payload: cases.map((c) => make(customer, c.key, c.text)),
      });
      expect({ status: res.statusCode, body: res.json() }).toEqual({
        status: 200,
        body: { message: 'Data published successfully', count: cases.length, requestId: expect.any(String) },
      });

      await drained(gw, queueOf(kind));
      const rows = await stored(kind, customer);
      expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(cases.map((c) => [c.key, c.iso])));

      const queue = new Queue(queueOf(kind), { connection: redis, prefix: gw.queuePrefix });
      try {
        const failed = await queue.getFailed();
        expect(failed.filter((j) => j.id === res.json().requestId)).toEqual([]);
      } finally {
        await queue.close();
      }
    });

    it.each(UNSTORABLE)(`refuses %p with 400 naming ${field} and the record's index`, async (text) => {
      const { customer, auth } = await tenant(gw);
      const payload = [make(customer, uniqueId('ok'), '2024-05-01T12:00:00Z'), make(customer, uniqueId('bad'), text)];
      const res = await gw.inject({ method: 'POST', url: `/publish/${kind}`, headers: auth, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        message: 'Invalid payload',
        errors: [{ index: 1, field, error: expect.stringContaining(field) }],
      });
      expect((await gw.jobs(queueOf(kind))).filter((j) => j.data.records[0].envcustomerid === customer)).toEqual([]);
    });
  });

  it("refuses an event's unstorable lastoccurrence by name", async () => {
    const { customer, auth } = await tenant(gw);
    const res = await gw.inject({
      method: 'POST',
      url: '/publish/allevents',
      headers: auth,
      payload: event(customer, { firstoccurrence: '0001-01-01T00:00:00Z', lastoccurrence: '0000-02-29T12:00:00Z' }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      message: 'Invalid payload',
      errors: [{ index: 0, field: 'lastoccurrence', error: expect.stringContaining('lastoccurrence') }],
    });
  });
});
