import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { PUBLISH_TOPICS, PublishRoute } from '@sluice/queue';

import { assertApiUser } from '../auth/principal';
import { RequestAuthenticator } from '../auth/request-authenticator.service';
import { sendContractError } from '../http/contract-exception.filter';
import { OpenApiRegistry } from '../http/openapi';
import { requestBody } from '../http/raw-body';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import { IngestMetrics } from '../telemetry/ingest-metrics';
import { addPublishRoutes } from './publish.docs';
import { PublishService } from './publish.service';

/**
 * Spec §2: the five publish routes, the hot path. They are plain Fastify routes on the gateway's
 * own Fastify instance: Nest's per-request machinery (router, guards, interceptors, pipes, rxjs,
 * the pino-http middleware) cost more than everything the request itself needs (BENCHMARKS.md).
 * The checks are the same functions and services the Nest routes use, in the contract's order,
 * all listed in handle(). Their OpenAPI description is in publish.docs.ts.
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
    docs: OpenApiRegistry,
  ) {
    docs.add(addPublishRoutes);
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    IngestMetrics.declare(fastify);
    for (const route of Object.keys(PUBLISH_TOPICS) as PublishRoute[]) {
      const metrics = new IngestMetrics(`/publish/${route}`);
      fastify.route({
        method: 'POST',
        url: `/publish/${route}`,
        handler: (req, reply) => this.handle(route, req, reply, metrics),
        // Errors of the handler and of Fastify itself (a body over BODY_LIMIT) alike.
        errorHandler: (err, req, reply) => {
          sendContractError(reply, err, this.logger);
          metrics.refused(req, reply.statusCode);
        },
        onResponse: this.config.logRequests ? logRequest : undefined,
      });
    }
  }

  /** One publish request, its checks in the contract's order (spec §2); the first to fail answers. */
  private async handle(
    route: PublishRoute,
    req: FastifyRequest,
    reply: FastifyReply,
    metrics: IngestMetrics,
  ): Promise<FastifyReply> {
    const user = await this.authenticator.authenticate(req, 'publish'); // 401: no, bad or revoked token or key; 403: a key without `publish`
    assertApiUser(user); // 403: a UI user
    await this.limiter.user(user.id); // 429: the user's limit
    // The body is decoded and parsed only now (413, 400).
    const body = await requestBody(req, this.config.bodyLimit);
    IngestMetrics.counted(req, body);
    const batch = this.publisher.validate(route, body); // 400: every invalid record
    const customerIds = await this.publisher.customersOf(batch.records, user); // 400 inactive, 401 not mapped
    await this.limiter.customers(customerIds); // 429: a customer's limit
    await this.publisher.enqueue(batch, user, req.id); // 503: Redis unreachable, slow or full
    metrics.accepted(batch.records.length);
    return reply.code(200).send(this.publisher.accepted(batch.records, req.id));
  }
}

/** The request log line the pino-http middleware writes for every other route. */
export function logRequest(req: FastifyRequest, reply: FastifyReply, done: () => void): void {
  PinoLogger.root.info(
    {
      req: { id: req.id, method: req.method, url: req.url },
      res: reply.raw,
      responseTime: Math.round(reply.elapsedTime),
    },
    'request completed',
  );
  done();
}
