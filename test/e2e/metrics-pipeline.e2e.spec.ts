import type { INestApplicationContext } from '@nestjs/common';

import { QueueName } from '@sluice/queue';

import { apiUser, metric } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { drained } from '../helpers/queues';
import type { Tenant } from '../helpers/tenant';
import { get, publish, tenant } from '../helpers/tenant';
import { startWorker } from '../helpers/worker';

/**
 * Spec §2.2 and §6, end to end: POST /publish/metrics → the real worker → PostgreSQL → the read
 * API (GET /api/v1/metrics and /api/v1/metrics/series). Every test has a customer of its own.
 */
describe('metrics pipeline', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    gw = await startGateway();
    worker = await startWorker(gw.redisPrefix);
  });
  afterAll(async () => {
    await worker?.close();
    await gw?.close();
  });

  /** Waits for the worker, then reads the tenant's samples: at least `n` must be stored. */
  async function samplesAtLeast(t: Tenant, n: number) {
    await drained(gw, QueueName.Metrics);
    const body = await get(t, `/api/v1/metrics?customerid=${t.customer}`);
    expect(body.results.length).toBeGreaterThanOrEqual(n);
    return body;
  }

  describe('samples (GET /api/v1/metrics)', () => {
    it('stores every field of a sample and lists them oldest first', async () => {
      const t = await tenant(gw);
      const { customer } = t;
      await publish(t, 'metrics', [
        metric(customer, {
          entity: 'web-01',
          parametercategory: 'cpu',
          parameterid: 'cpu.util.total',
          value: 73.25,
          timestamp: '2024-05-01T12:05:00Z',
          tags: { core: 'all', dc: 'fra' },
        }),
        // Same instant in another zone notation: 14:01+02:00 is 12:01Z, older than the first.
        metric(customer, { value: -1.5, unit: 'ms', timestamp: '2024-05-01T14:01:00+02:00', tags: undefined }),
      ]);

      const body = await samplesAtLeast(t, 2);
      expect(body).toEqual({
        totalCount: 2,
        results: [
          {
            envcustomerid: customer,
            entityid: 'host-4711',
            entity: null,
            parametercategory: null,
            parametername: 'cpu.utilization',
            parameterid: 'cpu.utilization',
            value: -1.5,
            unit: 'ms',
            timestamp: '2024-05-01T12:01:00.000Z',
            tags: null,
          },
          {
            envcustomerid: customer,
            entityid: 'host-4711',
            entity: 'web-01',
            parametercategory: 'cpu',
            parametername: 'cpu.utilization',
            parameterid: 'cpu.util.total',
            value: 73.25,
            unit: '%',
            timestamp: '2024-05-01T12:05:00.000Z',
            tags: { core: 'all', dc: 'fra' },
          },
        ],
      });
    });

    it('treats a repeated sample as a no-op, across requests and within one batch; the first value stays', async () => {
      const t = await tenant(gw);
      const { customer } = t;
      await publish(t, 'metrics', metric(customer, { value: 10 }));
      await samplesAtLeast(t, 1);

      // The repeat (same customer, entity, parameter, tags, timestamp; another value) travels in
      // one job with a new sample: once the new one is visible, the repeat has been handled too.
      await publish(t, 'metrics', [
        metric(customer, { value: 99 }),
        metric(customer, { value: 11, timestamp: '2024-05-01T12:01:00Z' }),
      ]);
      let body = await samplesAtLeast(t, 2);
      expect(body.totalCount).toBe(2);
      expect(body.results.map((s: { timestamp: string; value: number }) => [s.timestamp, s.value])).toEqual([
        ['2024-05-01T12:00:00.000Z', 10],
        ['2024-05-01T12:01:00.000Z', 11],
      ]);

      // The same sample twice in one batch, plus a new one.
      await publish(t, 'metrics', [
        metric(customer, { value: 20, timestamp: '2024-05-01T12:02:00Z' }),
        metric(customer, { value: 21, timestamp: '2024-05-01T12:02:00Z' }),
        metric(customer, { value: 30, timestamp: '2024-05-01T12:03:00Z' }),
      ]);
      body = await samplesAtLeast(t, 4);
      expect(body.totalCount).toBe(4);
      expect(body.results.map((s: { value: number }) => s.value)).toEqual([10, 11, 20, 30]);

      // Re-sending an entire accepted request changes nothing either.
      await publish(t, 'metrics', [
        metric(customer, { value: 10 }),
        metric(customer, { value: 1, timestamp: '2024-05-01T12:04:00Z' }),
      ]);
      body = await samplesAtLeast(t, 5);
      expect(body.totalCount).toBe(5);
      expect(body.results.map((s: { value: number }) => s.value)).toEqual([10, 11, 20, 30, 1]);
    });

    it('identifies a sample by its tag set regardless of key order; other tags make other samples', async () => {
      const t = await tenant(gw);
      const { customer } = t;
      await publish(t, 'metrics', metric(customer, { value: 1, tags: { a: '1', b: '2' } }));
      await samplesAtLeast(t, 1);

      await publish(t, 'metrics', [
        metric(customer, { value: 2, tags: { b: '2', a: '1' } }), // the same sample: a no-op
        metric(customer, { value: 3, tags: { a: '1', b: '3' } }), // another value of b
        metric(customer, { value: 4, tags: { a: '1' } }), // a subset
        metric(customer, { value: 5, tags: undefined }), // no tags at all
        metric(customer, { value: 6, tags: {} }), // an empty tag set is no tags: a no-op
      ]);
      const body = await samplesAtLeast(t, 4);
      expect(body.totalCount).toBe(4);
      const byValue = [...body.results].sort((x: { value: number }, y: { value: number }) => x.value - y.value);
      expect(byValue.map((s: { value: number; tags: unknown }) => [s.value, s.tags])).toEqual([
        [1, { a: '1', b: '2' }],
        [3, { a: '1', b: '3' }],
        [4, { a: '1' }],
        [5, null],
      ]);
    });

    it('defaults parameterid to parametername and filters by entityid and parameterid', async () => {
      const t = await tenant(gw);
      const { customer } = t;
      await publish(t, 'metrics', [
        metric(customer, { parametername: 'cpu.utilization', value: 1 }),
        metric(customer, { parametername: 'Memory used', parameterid: 'mem.used', value: 2 }),
        metric(customer, { entityid: 'host-9', parametername: 'cpu.utilization', value: 3 }),
      ]);
      await samplesAtLeast(t, 3);

      const cpu = await get(t, `/api/v1/metrics?customerid=${customer}&parameterid=cpu.utilization`);
      expect(cpu.totalCount).toBe(2);
      expect(
        cpu.results.map((s: { entityid: string; parameterid: string; value: number }) => [
          s.entityid,
          s.parameterid,
          s.value,
        ]),
      ).toEqual([
        ['host-4711', 'cpu.utilization', 1],
        ['host-9', 'cpu.utilization', 3],
      ]);

      const mem = await get(t, `/api/v1/metrics?customerid=${customer}&parameterid=mem.used`);
      expect(mem.results).toEqual([
        expect.objectContaining({ parameterid: 'mem.used', parametername: 'Memory used', value: 2 }),
      ]);
      // The name is not an id once an id was given.
      expect((await get(t, `/api/v1/metrics?customerid=${customer}&parameterid=Memory%20used`)).totalCount).toBe(0);

      const host9 = await get(t, `/api/v1/metrics?customerid=${customer}&entityid=host-9`);
      expect(host9.results.map((s: { value: number }) => s.value)).toEqual([3]);
    });

    it('filters on from (inclusive) and to (exclusive)', async () => {
      const t = await tenant(gw);
      const { customer } = t;
      await publish(t, 'metrics', [
        metric(customer, { value: 0, timestamp: '2024-05-01T12:00:00Z' }),
        metric(customer, { value: 1, timestamp: '2024-05-01T12:01:00Z' }),
        metric(customer, { value: 2, timestamp: '2024-05-01T12:02:00Z' }),
      ]);
      await samplesAtLeast(t, 3);

      const window = await get(
        t,
        `/api/v1/metrics?customerid=${customer}&from=2024-05-01T12:01:00Z&to=2024-05-01T12:02:00Z`,
      );
      expect(window.results.map((s: { value: number }) => s.value)).toEqual([1]);
      expect(window.totalCount).toBe(1);
      const fromOnly = await get(t, `/api/v1/metrics?customerid=${customer}&from=2024-05-01T12:01:00Z`);
      expect(fromOnly.results.map((s: { value: number }) => s.value)).toEqual([1, 2]);
      const toOnly = await get(t, `/api/v1/metrics?customerid=${customer}&to=2024-05-01T12:01:00Z`);
      expect(toOnly.results.map((s: { value: number }) => s.value)).toEqual([0]);
    });
  });

  describe('series (GET /api/v1/metrics/series)', () => {
    let t: Tenant;
    let customer: string;
    const base = () => `/api/v1/metrics/series?customerid=${customer}&entityid=host-4711&parameterid=cpu.utilization`;
    const day = '&from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z';
    const at = (hhmmss: string) => `2024-05-01T${hhmmss}.000Z`;

    beforeAll(async () => {
      t = await tenant(gw);
      customer = t.customer;
      await publish(t, 'metrics', [
        // bucket 12:00 (60 s): 1.5, 2.5, 5
        metric(customer, { value: 1.5, timestamp: '2024-05-01T12:00:00Z' }),
        metric(customer, { value: 2.5, timestamp: '2024-05-01T12:00:30Z' }),
        metric(customer, { value: 5, timestamp: '2024-05-01T12:00:59.999Z' }),
        // bucket 12:01: 5
        metric(customer, { value: 5, timestamp: '2024-05-01T12:01:00Z' }),
        // no sample in 12:02; bucket 12:03: 7
        metric(customer, { value: 7, timestamp: '2024-05-01T12:03:15Z' }),
        // not this series: another entity, another parameter
        metric(customer, { entityid: 'host-9', value: 1000, timestamp: '2024-05-01T12:00:10Z' }),
        metric(customer, { parametername: 'mem.used', value: 2000, timestamp: '2024-05-01T12:00:10Z' }),
      ]);
      await samplesAtLeast(t, 7);
    });

    it.each([
      ['avg', [3, 5, 7]],
      ['min', [1.5, 5, 7]],
      ['max', [5, 5, 7]],
      ['sum', [9, 5, 7]],
      ['count', [3, 1, 1]],
    ])('aggregates %s per 60 s bucket in SQL, leaving out empty buckets', async (agg, values) => {
      const body = await get(t, `${base()}${day}&step=60&agg=${agg}`);
      expect(body).toEqual({
        points: [
          { t: at('12:00:00'), value: values[0] },
          { t: at('12:01:00'), value: values[1] },
          { t: at('12:03:00'), value: values[2] },
        ],
      });
    });

    it('buckets by step seconds counted from the epoch', async () => {
      expect(await get(t, `${base()}${day}&step=120&agg=sum`)).toEqual({
        points: [
          { t: at('12:00:00'), value: 14 },
          { t: at('12:02:00'), value: 7 },
        ],
      });
      expect(await get(t, `${base()}${day}&step=3600&agg=count`)).toEqual({
        points: [{ t: at('12:00:00'), value: 5 }],
      });
      expect(await get(t, `${base()}${day}&step=86400&agg=avg`)).toEqual({
        points: [{ t: '2024-05-01T00:00:00.000Z', value: 21 / 5 }],
      });
    });

    it('defaults to agg=avg and step=60', async () => {
      expect(await get(t, `${base()}${day}`)).toEqual({
        points: [
          { t: at('12:00:00'), value: 3 },
          { t: at('12:01:00'), value: 5 },
          { t: at('12:03:00'), value: 7 },
        ],
      });
    });

    it('takes samples from `from` inclusive to `to` exclusive', async () => {
      const body = await get(t, `${base()}&from=2024-05-01T12:00:30Z&to=2024-05-01T12:03:15Z&step=60&agg=sum`);
      expect(body).toEqual({
        points: [
          { t: at('12:00:00'), value: 7.5 },
          { t: at('12:01:00'), value: 5 },
        ],
      });
      const justBefore = await get(
        t,
        `${base()}&from=2024-05-01T12:00:00Z&to=2024-05-01T12:00:59.999Z&step=60&agg=count`,
      );
      expect(justBefore).toEqual({ points: [{ t: at('12:00:00'), value: 2 }] });
    });

    it('answers an empty series for a range without samples, or for an unknown series', async () => {
      expect(await get(t, `${base()}&from=2024-04-01T00:00:00Z&to=2024-04-02T00:00:00Z&step=3600`)).toEqual({
        points: [],
      });
      expect(
        await get(
          t,
          `/api/v1/metrics/series?customerid=${customer}&entityid=nope&parameterid=cpu.utilization${day}&step=3600`,
        ),
      ).toEqual({ points: [] });
    });

    const invalid = async (query: string, field: string) => {
      const res = await gw.inject({ method: 'GET', url: `/api/v1/metrics/series?${query}`, headers: t.auth });
      expect({ query, status: res.statusCode }).toEqual({ query, status: 400 });
      const body = res.json();
      expect(body.message).toBe('Invalid payload');
      expect(body.errors.map((e: { field: string }) => e.field)).toContain(field);
    };

    it('answers 400 for an unknown aggregate, a step below 1 or not a number, and a bad or reversed range', async () => {
      const q = `customerid=${customer}&entityid=host-4711&parameterid=cpu.utilization`;
      await invalid(`${q}${day}&agg=median`, 'agg');
      await invalid(`${q}${day}&step=0`, 'step');
      await invalid(`${q}${day}&step=-60`, 'step');
      await invalid(`${q}${day}&step=1.5`, 'step');
      await invalid(`${q}${day}&step=minute`, 'step');
      await invalid(`${q}&from=yesterday`, 'from');
      await invalid(`${q}&from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z`, 'from');
    });

    it('answers 400 when from..to / step exceeds 10,000 buckets, and 200 at exactly 10,000', async () => {
      const q = `customerid=${customer}&entityid=host-4711&parameterid=cpu.utilization`;
      await invalid(`${q}&from=2024-01-01T00:00:00Z&to=2024-05-01T00:00:00Z&step=1`, 'step');
      // The default range (the last 24 h) at 1 s steps is 86,400 buckets.
      await invalid(`${q}&step=1`, 'step');
      await invalid(`${q}&from=2024-05-01T12:00:00Z&to=2024-05-01T14:46:41Z&step=1`, 'step'); // 10,001 s
      const ok = await get(
        t,
        `/api/v1/metrics/series?${q}&from=2024-05-01T12:00:00Z&to=2024-05-01T14:46:40Z&step=1&agg=max`,
      ); // 10,000 s
      expect(ok.points).toEqual([
        { t: at('12:00:00'), value: 1.5 },
        { t: at('12:00:30'), value: 2.5 },
        { t: at('12:00:59'), value: 5 },
        { t: at('12:01:00'), value: 5 },
        { t: at('12:03:15'), value: 7 },
      ]);
    });

    it('answers 400 naming each missing required parameter', async () => {
      await invalid(`entityid=host-4711&parameterid=cpu.utilization${day}`, 'customerid');
      await invalid(`customerid=${customer}&parameterid=cpu.utilization${day}`, 'entityid');
      await invalid(`customerid=${customer}&entityid=host-4711${day}`, 'parameterid');
    });
  });

  describe('access', () => {
    it("answers 403 Access denied for another customer's samples and series, and 401 without a token", async () => {
      const mine = await tenant(gw);
      const theirs = await tenant(gw);
      await publish(theirs, 'metrics', metric(theirs.customer, { value: 123 }));
      await samplesAtLeast(theirs, 1);

      for (const url of [
        `/api/v1/metrics?customerid=${theirs.customer}`,
        `/api/v1/metrics/series?customerid=${theirs.customer}&entityid=host-4711&parameterid=cpu.utilization&from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z&step=3600`,
      ]) {
        const res = await gw.inject({ method: 'GET', url, headers: mine.auth });
        expect({ url, status: res.statusCode, body: res.json() }).toEqual({
          url,
          status: 403,
          body: { message: 'Access denied' },
        });
        const anon = await gw.inject({ method: 'GET', url });
        expect({ url, status: anon.statusCode, body: anon.json() }).toEqual({
          url,
          status: 401,
          body: { message: 'Missing access token' },
        });
      }
      // A customer that does not exist at all is no different.
      const ghost = await gw.inject({
        method: 'GET',
        url: '/api/v1/metrics?customerid=no-such-customer',
        headers: mine.auth,
      });
      expect([ghost.statusCode, ghost.json()]).toEqual([403, { message: 'Access denied' }]);
    });

    it("never lists another customer's samples without a customerid, and lets a UI user read", async () => {
      const mine = await tenant(gw);
      const theirs = await tenant(gw);
      await publish(theirs, 'metrics', metric(theirs.customer, { value: 1 }));
      await publish(mine, 'metrics', metric(mine.customer, { value: 2 }));
      await samplesAtLeast(theirs, 1);
      await samplesAtLeast(mine, 1);

      const all = await get(mine, '/api/v1/metrics');
      expect(all.totalCount).toBe(1);
      expect(all.results.map((s: { envcustomerid: string; value: number }) => [s.envcustomerid, s.value])).toEqual([
        [mine.customer, 2],
      ]);

      const ui = await apiUser(gw, [mine.customer], { type: 'UI' });
      const series = await get(
        { ...mine, auth: ui.auth },
        `/api/v1/metrics/series?customerid=${mine.customer}&entityid=host-4711&parameterid=cpu.utilization&from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z&step=3600&agg=sum`,
      );
      expect(series).toEqual({ points: [{ t: '2024-05-01T12:00:00.000Z', value: 2 }] });
    });
  });
});
