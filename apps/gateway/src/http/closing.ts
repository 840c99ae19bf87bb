import type { FastifyInstance } from 'fastify';

/**
 * The gateway while it closes (SIGTERM): Node stops accepting connections and closes the idle
 * ones; requests already received run to their real answer, sent with `Connection: close` so
 * that their connections end with them and the close completes. A request that still arrives,
 * on a kept-alive connection, gets the contract's 503 with Retry-After (not Fastify's own 503
 * body: see `return503OnClosing` in createFastifyAdapter), to retry on another instance. The
 * request hooks (request-hooks.ts) ask `closing`.
 */
export class ClosingGate {
  closing = false;

  constructor(fastify: FastifyInstance) {
    fastify.addHook('preClose', (done) => {
      this.closing = true;
      done();
    });
  }
}
