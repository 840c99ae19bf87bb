import Redis from 'ioredis';

import { QueueName } from '@sluice/queue';

import { apiUser, createCustomer, event } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { drained } from '../helpers/queues';
import type { Json } from '../helpers/tenant';
import { startWorker } from '../helpers/worker';

/**
 * Publish requests that reach the gateway together share a job (queue/publish-coalescer.ts): each
 * is answered 200 only once that job is in Redis, each request's id, time and user are in the job,
 * and every record is stored once.
 */
describe('publish requests share jobs', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw?.close());

  it('40 concurrent requests: fewer jobs, every request in one of them, every record stored once', async () => {
    const customer = (await createCustomer(gw.prisma)).id;
    const { auth } = await apiUser(gw, [customer]);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        gw.inject({
          method: 'POST',
          url: '/publish/allevents',
          headers: auth,
          payload: [event(customer, { entityid: `host-${i}` }), event(customer, { entityid: `host-${i}` })],
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(40).fill(200));
    const ids = answers.map((a) => a.headers['x-request-id'] as string);

    const jobs = await gw.jobs(QueueName.Events);
    const data = jobs.map((j) => j.data as Json);
    expect(jobs.length).toBeLessThan(40);
    const parts = data.flatMap((d) => (d.requests as Json[] | undefined) ?? [{ requestId: d.requestId, count: 2 }]);
    expect(parts.map((p) => p.requestId).sort()).toEqual([...ids].sort());
    expect(parts.every((p) => p.count === 2)).toBe(true);
    for (const d of data) {
      expect(d.records).toHaveLength(
        ((d.requests as Json[] | undefined) ?? [{ count: 2 }]).reduce((n, p) => n + (p.count as number), 0),
      );
      // A shared job is named after its first request.
      if (d.requests) expect(d.requestId).toBe((d.requests as Json[])[0].requestId);
    }

    const worker = await startWorker(gw.redisPrefix);
    try {
      await drained(gw, QueueName.Events);
      expect(await gw.prisma.event.count({ where: { envcustomerid: customer } })).toBe(80);
    } finally {
      await worker.close();
    }
  });

  it('keeps every key of a queue in one Redis Cluster slot: BullMQ keys under the hash tag {REDIS_PREFIX}', async () => {
    const customer = (await createCustomer(gw.prisma)).id;
    const { auth } = await apiUser(gw, [customer]);
    const answer = await gw.inject({
      method: 'POST',
      url: '/publish/allevents',
      headers: auth,
      payload: [event(customer)],
    });
    expect(answer.statusCode).toBe(200);
    const redis = new Redis(process.env.REDIS_URL!);
    try {
      const queueKeys = await redis.keys(`{${gw.redisPrefix}}:*`);
      expect(queueKeys).toContain(`{${gw.redisPrefix}}:${QueueName.Events}:meta`);
      // Nothing of BullMQ's outside the tag (a Cluster would spread such keys over slots).
      expect(await redis.keys(`${gw.redisPrefix}:${QueueName.Events}:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
