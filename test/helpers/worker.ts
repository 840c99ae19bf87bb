import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';

import { SLUICE_CONFIG } from '@sluice/config';

import { WorkerModule } from '../../apps/worker/src/worker.module';
import { testConfig } from './config';

/**
 * The real worker (WorkerModule, as apps/worker/src/main.ts starts it) on a gateway's Redis prefix.
 * Its scheduled upkeep waits an hour unless a test asks otherwise: the stale-adapter check and
 * retention act on the whole database, which test files running at the same time share. With
 * `logs`, it logs through pino as main.ts has it (for tests that read the log); else not at all.
 * `env` overrides settings for this worker only: its SLUICE_CONFIG is built from them.
 */
export async function startWorker(
  redisPrefix: string,
  env: Record<string, string> = {},
  opts: { logs?: boolean } = {},
): Promise<INestApplicationContext> {
  const app = await Test.createTestingModule({ imports: [WorkerModule] })
    .overrideProvider(SLUICE_CONFIG)
    .useValue(testConfig({ REDIS_PREFIX: redisPrefix, LOG_LEVEL: 'silent', MAINTENANCE_INTERVAL: '3600', ...env }))
    .compile();
  app.useLogger(opts.logs ? app.get(Logger) : false);
  app.enableShutdownHooks();
  return app.init();
}

/**
 * Polls `probe` until it returns something truthy (or `accept` says so), or fails after `ms`. For
 * "until the worker has processed what was published", use `drained` (queues.ts) instead.
 */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (v: T) => boolean = Boolean,
  ms = 10_000,
): Promise<T> {
  const until = Date.now() + ms;
  let last: T;
  do {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  } while (Date.now() < until);
  throw new Error(`condition not met within ${ms} ms; last value: ${JSON.stringify(last)}`);
}
