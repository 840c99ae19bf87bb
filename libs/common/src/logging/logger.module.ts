import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { DynamicModule, Module } from '@nestjs/common';
import type { RouteInfo } from '@nestjs/common/interfaces';
import { LoggerModule } from 'nestjs-pino';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';

import { REDACT_PATHS } from './redaction';

/** pino-pretty's readable lines, for a person at a terminal (LOG_FORMAT). */
export const PRETTY = {
  target: 'pino-pretty',
  options: {
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context',
    messageFormat: '{if context}[{context}] {end}{msg}',
  },
};

/** Structured JSON logs (pino) carrying each request's id, with credentials and secrets redacted. */
@Module({})
export class SluiceLoggerModule {
  /**
   * `forRoutes`: the routes whose requests it logs (default: all). The gateway names its Nest
   * routes only: its plain Fastify routes write their own request log, and a route left out of
   * Nest's middleware costs nothing per request, where an excluded one is still matched each time.
   */
  static forApp(app: string, forRoutes?: (string | RouteInfo)[]): DynamicModule {
    return {
      module: SluiceLoggerModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [SLUICE_CONFIG],
          useFactory: (config: SluiceConfig) => ({
            ...(forRoutes ? { forRoutes } : {}),
            pinoHttp: {
              level: config.logLevel,
              transport: config.logPretty ? PRETTY : undefined,
              name: app,
              autoLogging: config.logRequests,
              redact: { paths: REDACT_PATHS, censor: '[redacted]' },
              // Fastify generates the id (see apps/gateway/src/http/configure-http.ts); reuse it.
              genReqId: (req: IncomingMessage) => req.id ?? randomUUID(),
              customProps: () => ({}),
              serializers: {
                req: (req: { id: string; method: string; url: string; headers: Record<string, unknown> }) => ({
                  id: req.id,
                  method: req.method,
                  url: req.url,
                  headers: req.headers,
                }),
              },
            },
          }),
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
