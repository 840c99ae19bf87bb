import type { NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';

import type { SluiceConfig } from '@sluice/config';
import { SLUICE_CONFIG } from '@sluice/config';

import { serveConsole } from './console/console-static';
import { GatewayModule } from './gateway.module';
import { configureHttp, createFastifyAdapter } from './http/configure-http';
import { setupOpenApi } from './http/openapi';

/**
 * Builds the gateway application; `main.ts` and the tests start the very same thing.
 *
 * Shutdown order (SIGTERM, or `app.close()`): Nest stops the HTTP server first (its `dispose`
 * step: no new connections; every request already received is answered, its enqueue included;
 * see http/closing.ts), and only then runs the `onApplicationShutdown` hooks, where the Redis
 * producer and PostgreSQL are closed. Nothing that serves a request may close in an earlier hook
 * (`onModuleDestroy`, `beforeApplicationShutdown`).
 *
 * A start-up failure rejects (no `process.exit`), with Nest's buffered log kept for
 * `exitOnStartFailure` to print or not.
 */
export async function createGateway(): Promise<NestFastifyApplication> {
  const adapter = createFastifyAdapter();
  return setUpGateway(await NestFactory.create<NestFastifyApplication>(GatewayModule, adapter, GATEWAY_APP_OPTIONS));
}

/** Nest's options for the gateway; tests create it alike, with a configuration of their own. */
export const GATEWAY_APP_OPTIONS: NestApplicationOptions = {
  bodyParser: false,
  bufferLogs: true,
  autoFlushLogs: false,
  abortOnError: false,
};

/** What follows the module graph: the logger, the HTTP hooks, OpenAPI and the web console. */
export async function setUpGateway(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  app.useLogger(app.get(Logger));
  app.flushLogs();
  const config = app.get<SluiceConfig>(SLUICE_CONFIG);
  for (const warning of config.warnings) app.get(Logger).warn(warning);
  const fastify = app.getHttpAdapter().getInstance();
  // Read by the error filter for the Retry-After of a 503 when PostgreSQL or Redis is unreachable.
  fastify.decorateReply('retryAfterSeconds', config.queue.retryAfterSeconds);
  await configureHttp(app);
  setupOpenApi(app);
  await serveConsole(app);
  return app;
}
