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

export { eventually } from './eventually';
