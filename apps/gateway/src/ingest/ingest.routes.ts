import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { ContractError, Errors } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';

import { assertApiUser } from '../auth/principal';
import type { Credential } from '../auth/request-authenticator.service';
import { readCredential, RequestAuthenticator } from '../auth/request-authenticator.service';
import { sendContractError } from '../http/contract-exception.filter';
import { OpenApiRegistry } from '../http/openapi';
import { requestBody } from '../http/raw-body';
import { logRequest } from '../publish/publish.routes';
import { PublishService } from '../publish/publish.service';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import { IngestMetrics } from '../telemetry/ingest-metrics';
import type { IngestFormatName } from './formats';
import { INGEST_FORMAT_MAPPERS, INGEST_FORMATS, IngestBodyError } from './formats';
import { addIngestRoutes } from './ingest.docs';

/** collectd's HTTP client sends its user and password only after this challenge (spec §8.2). */
const CHALLENGE = 'Basic realm="sluice"';

/**
 * Spec §8.2: `POST /ingest/{format}/{customerId}`, another tool's own body mapped to Sluice's
 * records (ingest/formats/) and then put through exactly the publish path of §2 — the same
 * authenticator (API keys with `publish`, or access tokens), the same record validation, customer
 * checks, limits and queue — so there is no second way in. What differs is only what these
 * senders need: a Basic challenge on a request without credentials, PagerDuty's `routing_key` as
 * a credential, 503 instead of 429 (Alertmanager drops a batch answered 429), and PagerDuty's
 * own 202 answer.
 */
@Injectable()
export class IngestRoutes implements OnModuleInit {
  private readonly logger = new Logger('Ingest');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly authenticator: RequestAuthenticator,
    private readonly limiter: RateLimiter,
    private readonly publisher: PublishService,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
    docs: OpenApiRegistry,
  ) {
    docs.add(addIngestRoutes);
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    IngestMetrics.declare(fastify);
    for (const format of INGEST_FORMATS) {
      const metrics = new IngestMetrics(`/ingest/${format}`);
      fastify.route<{ Params: { customerId: string } }>({
        method: 'POST',
        url: `/ingest/${format}/:customerId`,
        handler: (req, reply) => this.handle(format, req, reply, metrics),
        errorHandler: (err, req, reply) => {
          sendContractError(reply, forSenders(err), this.logger);
          // The reason is the refusal's own (a rate limit answered 503 for these senders is still one).
          metrics.refused(req, err instanceof ContractError ? err.getStatus() : reply.statusCode);
        },
        onResponse: this.config.logRequests ? logRequest : undefined,
      });
    }
  }

  /** One request, the checks of §2 in their order; the first to fail answers. */
  private async handle(
    format: IngestFormatName,
    req: FastifyRequest<{ Params: { customerId: string } }>,
    reply: FastifyReply,
    metrics: IngestMetrics,
  ): Promise<FastifyReply> {
    let body: unknown;
    let credential: Credential | undefined = readCredential(req);
    if (!credential && format === 'pagerduty') {
      // PagerDuty senders carry their credential in the body; a header's credential wins.
      body = await requestBody(req, this.config.bodyLimit);
      const routingKey = (body as { routing_key?: unknown } | null)?.routing_key;
      if (typeof routingKey === 'string' && routingKey) credential = { key: routingKey };
    }
    const user = await this.authenticator.authenticate(req, 'publish', credential); // 401, 403
    assertApiUser(user); // 403: a UI user
    await this.limiter.user(user.id); // 503 here (429 on §2)
    body ??= await requestBody(req, this.config.bodyLimit); // 413, 400
    const mapping = mapped(format, body, req.params.customerId);
    IngestMetrics.counted(req, mapping.records);
    if (mapping.notes) this.logger.log({ format, customerId: req.params.customerId, ...mapping.notes }, 'ingest notes');
    const answer = mapping.answer ?? { status: 200, body: undefined };
    if (mapping.records.length === 0) {
      return reply.code(answer.status).send(answer.body ?? this.publisher.accepted([], req.id));
    }
    const batch = this.publisher.validate(mapping.route, mapping.records); // 400: every invalid record
    const customerIds = await this.publisher.customersOf(batch.records, user); // 400 inactive, 401 not mapped
    await this.limiter.customers(customerIds); // 503 here
    await this.publisher.enqueue(batch, user, req.id); // 503
    metrics.accepted(batch.records.length);
    return reply.code(answer.status).send(answer.body ?? this.publisher.accepted(batch.records, req.id));
  }
}

function mapped(format: IngestFormatName, body: unknown, customerId: string) {
  try {
    return INGEST_FORMAT_MAPPERS[format].map(body, customerId, new Date());
  } catch (err) {
    if (err instanceof IngestBodyError) throw Errors.invalidPayload(err.errors);
    throw err;
  }
}

/**
 * The answer these senders act on: throttling is a 503 with Retry-After (Alertmanager retries
 * only 5xx, collectd retries nothing), and every 401 carries the Basic challenge.
 */
function forSenders(err: unknown): unknown {
  if (!(err instanceof ContractError)) return err;
  const status = err.getStatus();
  if (status === 429) return new ContractError(503, err.body, err.headers);
  if (status === 401) return new ContractError(401, err.body, { ...err.headers, 'www-authenticate': CHALLENGE });
  return err;
}
