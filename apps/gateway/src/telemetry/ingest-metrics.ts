import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';

const accepted = new Counter({
  name: 'sluice_records_accepted_total',
  help: 'Records accepted (answered 200: queued, to be stored), by route',
  labelNames: ['route'],
});

const refused = new Counter({
  name: 'sluice_records_refused_total',
  help: 'Records refused, by route and reason; a request refused before its body was read counts 1',
  labelNames: ['route', 'reason'],
});

/** The reason label of a refusal's status. */
const REASONS: Record<number, string> = {
  400: 'invalid',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

declare module 'fastify' {
  interface FastifyRequest {
    /** How many records the request's body held, once it was read (IngestMetrics.counted). */
    sluiceRecords: number;
  }
}

/**
 * Spec §10: what the publish and ingest routes accepted and refused, in records. The counters of a
 * route are bound once (label lookups stay off the hot path).
 */
export class IngestMetrics {
  private readonly acceptedOf: Counter.Internal;

  constructor(private readonly route: string) {
    this.acceptedOf = accepted.labels(route);
  }

  /**
   * Declares the request's record count on the Fastify instance, once: a property every request
   * object has from the start (a WeakMap entry per request cost 1 % of the hot path's CPU).
   */
  static declare(fastify: FastifyInstance): void {
    if (!fastify.hasRequestDecorator('sluiceRecords')) fastify.decorateRequest('sluiceRecords', 0);
  }

  /** Notes how many records the request's body holds, for its refusal's count. */
  static counted(req: FastifyRequest, body: unknown): void {
    req.sluiceRecords = Array.isArray(body) ? body.length : body === undefined ? 0 : 1;
  }

  accepted(records: number): void {
    this.acceptedOf.inc(records);
  }

  refused(req: FastifyRequest, status: number): void {
    refused.labels(this.route, REASONS[status] ?? String(status)).inc(Math.max(1, req.sluiceRecords));
  }
}
