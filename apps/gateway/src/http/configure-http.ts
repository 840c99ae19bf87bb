import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ContractExceptionFilter } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import type { IncomingMessage } from 'node:http';
import { JsonBodyInterceptor } from './json-body.interceptor';
import { RawBody } from './raw-body';
import { validationPipe } from './validation';

export function createFastifyAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    // `/publish/healthcheck/` and `/publish/healthcheck` are the same route (spec §2).
    routerOptions: { ignoreTrailingSlash: true },
    // One id per request: in the logs (pino), the `x-request-id` header, and as the job id.
    genReqId: (raw: IncomingMessage) => {
      const id = randomUUID();
      raw.id = id; // pino-http reads it from the raw request
      return id;
    },
    trustProxy: true,
  });
}

/** Everything about HTTP that is not a route: body handling, cookies, errors, validation. */
export async function configureHttp(app: NestFastifyApplication): Promise<void> {
  const config = app.get<SluiceConfig>(SLUICE_CONFIG);
  const fastify = app.getHttpAdapter().getInstance();

  await app.register(fastifyCookie);

  // Any content type is read as raw bytes (connectors do not all label JSON as JSON) and parsed
  // after authentication; see raw-body.ts.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.bodyLimit }, (req, body, done) => {
    done(null, new RawBody(body as Buffer, req.headers['content-encoding']));
  });
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });

  app.useGlobalFilters(new ContractExceptionFilter());
  app.useGlobalInterceptors(new JsonBodyInterceptor(config));
  app.useGlobalPipes(validationPipe);
  app.enableShutdownHooks();
}
