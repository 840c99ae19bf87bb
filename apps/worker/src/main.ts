import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

import { exitOnStartFailure } from '@sluice/database';

import { WorkerModule } from './worker.module';

/**
 * The worker: a NestJS application context without HTTP. It starts while PostgreSQL or Redis is
 * down, and waits for them (see connections.check.ts).
 */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(WorkerModule, {
    bufferLogs: true,
    autoFlushLogs: false,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.enableShutdownHooks();
}

main().catch(exitOnStartFailure('worker'));
