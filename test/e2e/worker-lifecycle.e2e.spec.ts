import { Queue } from 'bullmq';
import Redis from 'ioredis';

import { QueueName } from '@sluice/queue';

import { AppProcess } from '../helpers/app-process';
import { apiUser, createCustomer, event } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { drained } from '../helpers/queues';
import { startWorker } from '../helpers/worker';

describe('worker process', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('does not start when PostgreSQL cannot be reached', async () => {
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = '/sluice_no_such_database';
    await expect(startWorker(gw.redisPrefix, { DATABASE_URL: url.toString() })).rejects.toThrow(
      /sluice_no_such_database/,
    );
  });

  it('loses nothing across a stop: jobs queued while no worker runs are stored by the next one', async () => {
    const customer = (await createCustomer(gw.prisma)).id;
    const { auth } = await apiUser(gw, [customer]);
    const first = await startWorker(gw.redisPrefix);
    await first.close();

    const records = Array.from({ length: 50 }, (_, i) => event(customer, { ieventid: `life-${i}` }));
    for (let i = 0; i < records.length; i += 10) {
      const res = await gw.inject({
        method: 'POST',
        url: '/publish/allevents',
        headers: auth,
        payload: records.slice(i, i + 10),
      });
      expect(res.statusCode).toBe(200);
    }
    expect(await gw.prisma.event.count({ where: { envcustomerid: customer } })).toBe(0);
    expect(await gw.jobs(QueueName.Events)).toHaveLength(5);

    const second = await startWorker(gw.redisPrefix);
    try {
      await drained(gw, QueueName.Events);
      expect(await gw.prisma.event.count({ where: { envcustomerid: customer } })).toBe(50);
      const alert = await gw.prisma.alert.findFirstOrThrow({ where: { envcustomerid: customer } });
      expect(alert.count).toBe(50);
      expect((await gw.queue(QueueName.Events).getJobCounts('failed')).failed).toBe(0);
    } finally {
      await second.close();
    }
  });

  it('says at start when jobs of an earlier version wait under the old, untagged key prefix, and how to drain them', async () => {
    const prefix = `${process.env.REDIS_PREFIX}:legacy`;
    // A job as an earlier version's gateway left it: a real BullMQ job under `<REDIS_PREFIX>:events`.
    const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    const legacy = new Queue(QueueName.Events, { connection: redis, prefix });
    try {
      await legacy.add(QueueName.Events, {
        requestId: 'old',
        receivedAt: new Date().toISOString(),
        userId: 'u',
        records: [],
      });
      const worker = new AppProcess('worker', { REDIS_PREFIX: prefix });
      try {
        const line = await worker.waitForLog((l) => /earlier version/.test(String(l.msg)));
        expect(line).toMatchObject({ level: 50 });
        expect(String(line.msg)).toContain(`1 jobs of an earlier version are queued under the key prefix "${prefix}"`);
        expect(String(line.msg)).toContain(`QUEUE_PREFIX=${prefix}`);
      } finally {
        await worker.stop();
      }
    } finally {
      await legacy.obliterate({ force: true });
      await legacy.close();
      redis.disconnect();
    }
  }, 60_000);
});
