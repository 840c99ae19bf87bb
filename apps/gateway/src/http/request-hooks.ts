import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

import { Errors } from '@sluice/common';
import type { SluiceConfig } from '@sluice/config';

import { ClosingGate } from './closing';
import { sendContractError } from './contract-exception.filter';
import { isNoStoreRoute, securityHeaders } from './security-headers';
import { unstorableUrlRefusal } from './url-check';

const logger = new Logger('Http');

/**
 * What the gateway does for every request before its route and for every answer, as one
 * `onRequest` and one `onSend` hook (each hook is a step of Fastify's hook runner on every
 * request, the publish hot path included): the security headers and the request id on every
 * answer; a URL whose parameters PostgreSQL could not store refused (url-check.ts); while
 * closing, a 503 and `Connection: close` (closing.ts); `no-store` on the answers with credentials.
 */
export function registerRequestHooks(fastify: FastifyInstance, config: SluiceConfig): void {
  const headers = securityHeaders(config);
  const gate = new ClosingGate(fastify);
  const retryAfterSeconds = config.queue.retryAfterSeconds;
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.headers(headers).header('x-request-id', req.id);
    const refusal = unstorableUrlRefusal(req) ?? (gate.closing ? Errors.unavailable(retryAfterSeconds) : undefined);
    if (refusal === undefined) return done();
    if (gate.closing) reply.header('connection', 'close');
    sendContractError(reply, refusal, logger);
  });
  fastify.addHook('onSend', (req, reply, payload, done) => {
    if (gate.closing) reply.header('connection', 'close');
    if (isNoStoreRoute(req.routeOptions.url)) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
