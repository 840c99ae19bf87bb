import * as http from 'node:http';
import * as https from 'node:https';

import { UnrecoverableError } from 'bullmq';

import type { Redactor } from '@sluice/common';
import { headerValues, NO_SECRETS } from '@sluice/common';

import { assertPublicLiteral, publicOnlyLookup } from './network-guard';

/** How long a receiver may stay silent (connecting, or between bytes of its answer). */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** The part of an error answer kept (redacted first): errors end up in history, jobs and logs. */
const DETAIL_CHARS = 300;
/** Answer bytes kept; the rest is read and dropped so the connection ends normally. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** One outbound HTTP request, exactly as it goes on the wire (the body already serialised). */
export interface OutboundRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface DeliveryOptions {
  /** NOTIFIER_ALLOW_PRIVATE_NETWORKS: may the target be a loopback or private address. */
  allowPrivate: boolean;
  /** Secrets of the call to blank out of any error text (the credential headers sent are added). */
  secrets?: Redactor;
  timeoutMs?: number;
  /**
   * Headers read, after Retry-After, as "seconds until you may retry" on a 429 (Datadog's
   * X-RateLimit-Reset, Opsgenie's X-RateLimit-Period-In-Sec).
   */
  rateLimitHeaders?: readonly string[];
}

/** What the receiver answered, or why there is no answer. */
export type DeliveryOutcome =
  | { kind: 'success'; status: number; text: string; headers: http.IncomingHttpHeaders }
  | {
      kind: 'retryable';
      status?: number;
      /** From Retry-After (seconds or an HTTP date) or a rate-limit header. */
      retryAfterMs?: number;
      /** `METHOD url answered 503`, or `METHOD url: <network error>`; redacted. */
      error: string;
      /** The start of the answer's body, redacted. */
      detail?: string;
      headers?: http.IncomingHttpHeaders;
    }
  | { kind: 'permanent'; status?: number; error: string; detail?: string; headers?: http.IncomingHttpHeaders };

/** A call that failed but may succeed later (5xx, 429, network); `retryAfterMs` from Retry-After. */
export class RetryableCallError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A call no retry can fix (a 4xx, a refused target): BullMQ fails the job at once. */
export class PermanentCallError extends UnrecoverableError {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Seconds ("120") or an HTTP date, as milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The one classification of an HTTP status: 2xx delivered; 429 and 5xx later; anything else never. */
export function classifyStatus(status: number): DeliveryOutcome['kind'] {
  if (status >= 200 && status < 300) return 'success';
  if (status === 429 || status >= 500) return 'retryable';
  // 3xx too: redirects are not followed, a receiver that moved must be configured anew.
  return 'permanent';
}

const firstValue = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function retryAfterOf(headers: http.IncomingHttpHeaders, extra: readonly string[]): number | undefined {
  const asked = parseRetryAfter(firstValue(headers['retry-after']));
  if (asked !== undefined) return asked;
  for (const name of extra) {
    const seconds = Number(firstValue(headers[name.toLowerCase()]));
    if (firstValue(headers[name.toLowerCase()]) && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  }
  return undefined;
}

/**
 * Sends one request and classifies the answer (see `classifyStatus`); never throws. A target in
 * a private range (production) is a permanent outcome; a timeout or a network error is
 * retryable. Every text in the outcome has the call's secrets, and the credential headers it
 * sent, replaced by ****: they end up in alert history, delivery records, failed jobs and logs.
 */
export async function deliver(request: OutboundRequest, options: DeliveryOptions): Promise<DeliveryOutcome> {
  const redactor = (options.secrets ?? NO_SECRETS).with(headerValues(request.headers));
  const call = `${request.method} ${request.url}`;
  let answer: Answer;
  try {
    assertPublicLiteral(request.url, options.allowPrivate);
    answer = await send(request, options.allowPrivate, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  } catch (err) {
    const message = redactor.text((err as Error).message);
    if (err instanceof UnrecoverableError) return { kind: 'permanent', error: message };
    return { kind: 'retryable', error: `${redactor.text(call)}: ${message}` };
  }
  const { status, text, headers } = answer;
  const kind = classifyStatus(status);
  if (kind === 'success') return { kind, status, text, headers };
  const error = `${redactor.text(call)} answered ${status}`;
  // Redacted before it is cut short, so that no part of a secret survives at the cut.
  const detail = redactor.text(text).slice(0, DETAIL_CHARS) || undefined;
  if (kind === 'retryable')
    return {
      kind,
      status,
      error,
      detail,
      headers,
      retryAfterMs: retryAfterOf(headers, options.rateLimitHeaders ?? []),
    };
  return { kind, status, error, detail, headers };
}

/** The error a job throws for a failed outcome: BullMQ retries a RetryableCallError, not a PermanentCallError. */
export function failureOf(outcome: Exclude<DeliveryOutcome, { kind: 'success' }>): Error {
  if (outcome.kind === 'retryable') return new RetryableCallError(outcome.error, outcome.retryAfterMs, outcome.status);
  return new PermanentCallError(outcome.detail ? `${outcome.error}: ${outcome.detail}` : outcome.error, outcome.status);
}

interface Answer {
  status: number;
  text: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * node:http rather than fetch: its `lookup` hook lets the private-range check see the very
 * addresses the connection uses. Redirects are not followed (a 3xx is a final answer).
 */
function send(request: OutboundRequest, allowPrivate: boolean, timeoutMs: number): Promise<Answer> {
  const target = new URL(request.url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    const req = client.request(
      target,
      {
        method: request.method,
        headers: { ...request.headers, ...(body && { 'content-length': String(body.length) }) },
        lookup: allowPrivate ? undefined : publicOnlyLookup,
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (c: Buffer) => {
          if (kept >= MAX_ANSWER_BYTES) return;
          chunks.push(c);
          kept += c.length;
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            headers: response.headers,
          }),
        );
        response.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
