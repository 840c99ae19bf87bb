import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

import { Errors } from '@sluice/common';

import { sendContractError } from './contract-exception.filter';

/**
 * The gateway while it closes (SIGTERM): Node stops accepting connections and closes the idle
 * ones; requests already received run to their real answer, sent with `Connection: close` so
 * that their connections end with them and the close completes. A request that still arrives,
 * on a kept-alive connection, gets the contract's 503 with Retry-After (not Fastify's own 503
 * body: see `return503OnClosing` in createFastifyAdapter), to retry on another instance.
 */
export function refuseWhileClosing(fastify: FastifyInstance, retryAfterSeconds: number): void {
  const logger = new Logger('Shutdown');
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (_req, reply, done) => {
    if (!closing) return done();
    reply.header('connection', 'close');
    sendContractError(reply, Errors.unavailable(retryAfterSeconds), logger);
  });
  fastify.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
