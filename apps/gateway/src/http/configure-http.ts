import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import fastifyCookie from '@fastify/cookie';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

import type { SluiceConfig } from '@sluice/config';
import { SLUICE_CONFIG } from '@sluice/config';

import { readBody } from './body-reader';
import { ContractExceptionFilter } from './contract-exception.filter';
import { JsonBodyInterceptor } from './json-body.interceptor';
import { RawBody } from './raw-body';
import { registerRequestHooks } from './request-hooks';
import { frameworkErrors, MAX_PARAM_LENGTH } from './url-check';
import { validationPipe } from './validation';

export function createFastifyAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    // `/publish/healthcheck/` and `/publish/healthcheck` are the same route (spec §2).
    // maxParamLength: see frameworkErrors below.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // One id per request: in the logs (pino), the `x-request-id` header, and as the job id.
    genReqId: (raw: IncomingMessage) => {
      const id = randomUUID();
      raw.id = id; // pino-http reads it from the raw request
      return id;
    },
    trustProxy: true,
    // While closing: Node closes idle kept-alive connections (and the gateway the others after
    // their answer); a request that still arrives gets the contract's 503, from
    // http/closing.ts, instead of Fastify's own body.
    forceCloseConnections: 'idle',
    return503OnClosing: false,
    // A URL Fastify cannot route (bad percent-encoding, an over-long parameter): the contract's 400.
    frameworkErrors,
  });
}

/** Everything about HTTP that is not a route: body handling, cookies, errors, validation. */
export async function configureHttp(app: NestFastifyApplication): Promise<void> {
  const config = app.get<SluiceConfig>(SLUICE_CONFIG);
  const fastify = app.getHttpAdapter().getInstance();

  await app.register(fastifyCookie);
  registerRequestHooks(fastify, config);

  // Any content type is read as raw bytes (connectors do not all label JSON as JSON) and parsed
  // after authentication; see raw-body.ts. A body over BODY_LIMIT is read to its end before the
  // 413, so that the client gets to read it (body-reader.ts).
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', async (req: FastifyRequest, payload: IncomingMessage) => {
    const bytes = await readBody(payload, req.headers['content-length'], config.bodyLimit);
    return new RawBody(bytes, req.headers['content-encoding']);
  });

  app.useGlobalFilters(new ContractExceptionFilter());
  app.useGlobalInterceptors(new JsonBodyInterceptor(config));
  app.useGlobalPipes(validationPipe);
  app.enableShutdownHooks();
}
