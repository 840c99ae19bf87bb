import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { Logger } from 'nestjs-pino';
import { GatewayModule } from './gateway.module';
import { configureHttp, createFastifyAdapter } from './http/configure-http';
import { setupOpenApi } from './http/openapi';

/** Builds the gateway application; `main.ts` and the tests start the very same thing. */
export async function createGateway(): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule, createFastifyAdapter(), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  const config = app.get<SluiceConfig>(SLUICE_CONFIG);
  for (const warning of config.warnings) app.get(Logger).warn(warning);
  await configureHttp(app);
  setupOpenApi(app);
  return app;
}
