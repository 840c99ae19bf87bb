import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Errors, sendContractError } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { PUBLISH_TOPICS, PublishRoute } from '@sluice/queue';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { RequestAuthenticator } from '../auth/request-authenticator';
import { parseRawBody, RawBody } from '../http/raw-body';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { PublishService } from './publish.service';

/**
 * Spec §2: the five publish routes, the hot path. They are plain Fastify routes on the gateway's
 * own Fastify instance: Nest's per-request machinery (router, guards, interceptors, pipes, rxjs,
 * the pino-http middleware) cost more than everything the request itself needs (BENCHMARKS.md).
 * The checks are the same services the Nest routes use, called in the contract's order: token,
 * API user, user rate limit, body (decoded and parsed only now), then PublishService.
 * Their OpenAPI description is in publish.docs.ts.
 */
@Injectable()
export class PublishRoutes implements OnModuleInit {
  private readonly logger = new Logger('Publish');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly authenticator: RequestAuthenticator,
    private readonly limiter: RateLimiter,
    private readonly publisher: PublishService,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    for (const route of Object.keys(PUBLISH_TOPICS) as PublishRoute[]) {
      fastify.route({
        method: 'POST',
        url: `/publish/${route}`,
        handler: (req, reply) => this.publish(route, req, reply),
        // Errors of the handler and of Fastify itself (a body over BODY_LIMIT) alike.
        errorHandler: (err, _req, reply) => sendContractError(reply, err, this.logger),
        onResponse: this.config.logRequests ? logRequest : undefined,
      });
    }
  }

  private async publish(route: PublishRoute, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const user = await this.authenticator.principal(req);
    if (user.type !== 'API') throw Errors.accessDenied();
    await this.limiter.user(user.id);
    const body = req.body instanceof RawBody ? await parseRawBody(req.body, this.config.bodyLimit) : req.body;
    return reply.code(200).send(await this.publisher.publish(route, body, user, req.id));
  }
}

/** The request log line the pino-http middleware writes for every other route. */
function logRequest(req: FastifyRequest, reply: FastifyReply, done: () => void): void {
  PinoLogger.root.info(
    { req: { id: req.id, method: req.method, url: req.url }, res: reply.raw, responseTime: Math.round(reply.elapsedTime) },
    'request completed',
  );
  done();
}
