import { randomBytes } from 'node:crypto';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { Job } from 'bullmq';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import type { InjectOptions, Response } from 'light-my-request';
import passport from 'passport';

import { SLUICE_CONFIG } from '@sluice/config';
import { PrismaService } from '@sluice/database';
import type { QueueName } from '@sluice/queue';

import { BasicStrategy } from '../../apps/gateway/src/auth/basic.strategy';
import { GATEWAY_APP_OPTIONS, setUpGateway } from '../../apps/gateway/src/gateway.app';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { createFastifyAdapter } from '../../apps/gateway/src/http/configure-http';
import { testConfig } from './config';

// Passport keeps strategies in one registry per process, and each gateway registers its own
// BasicStrategy as it starts. In production a process runs one gateway; a test file may run
// several, so when one closes, the strategy of the newest one still open is registered again.
const open: NestFastifyApplication[] = [];

/**
 * A real gateway (GatewayModule, set up by the same `setUpGateway` as main.ts's `createGateway`) on
 * the run's PostgreSQL database and on a Redis key prefix of its own, so that each test file sees
 * only its own queues. Requests go through Fastify's `inject`: the full HTTP pipeline, without a
 * socket. `env` overrides settings for this gateway only: its SLUICE_CONFIG is built from them.
 */
export interface TestGateway {
  app: NestFastifyApplication;
  prisma: PrismaService;
  redisPrefix: string;
  /** BullMQ's prefix (`{<redisPrefix>}`): for a Queue of the test's own on the gateway's queues. */
  queuePrefix: string;
  inject(options: InjectOptions): Promise<Response>;
  /** Jobs waiting in a queue of this gateway. */
  jobs(queue: QueueName): Promise<Job[]>;
  /** A queue of this gateway, for the test's own look (see queues.ts). */
  queue(name: QueueName): Queue;
  close(): Promise<void>;
}

export async function startGateway(env: Record<string, string | undefined> = {}): Promise<TestGateway> {
  const redisPrefix = `${process.env.REDIS_PREFIX}:${randomBytes(4).toString('hex')}`;
  const overrides: Record<string, string | undefined> = {
    REDIS_PREFIX: redisPrefix,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_USER: '0',
    RATE_LIMIT_CUSTOMER: '0',
    ...env,
  };
  const config = testConfig(overrides);
  const moduleRef = await Test.createTestingModule({ imports: [GatewayModule] })
    .overrideProvider(SLUICE_CONFIG)
    .useValue(config)
    .compile();
  const created = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), GATEWAY_APP_OPTIONS);
  const app = await setUpGateway(created);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  open.push(app);
  const fastify = app.getHttpAdapter().getInstance();
  const redis = new Redis(overrides.REDIS_URL ?? process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
  const queues = new Map<QueueName, Queue>();
  const queueOf = (name: QueueName) => {
    if (!queues.has(name)) queues.set(name, new Queue(name, { connection: redis, prefix: config.queuePrefix }));
    return queues.get(name)!;
  };

  return {
    app,
    prisma: app.get(PrismaService),
    redisPrefix,
    queuePrefix: config.queuePrefix,
    inject: (options) => fastify.inject(options),
    jobs: (queue) => queueOf(queue).getJobs(['wait', 'delayed', 'prioritized', 'active']),
    queue: queueOf,
    close: async () => {
      await Promise.all([...queues.values()].map((q) => q.close()));
      redis.disconnect();
      await app.close();
      open.splice(open.indexOf(app), 1);
      if (open.length > 0) passport.use(open[open.length - 1].get(BasicStrategy));
    },
  };
}
