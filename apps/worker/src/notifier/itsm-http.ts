import * as http from 'node:http';
import * as https from 'node:https';

import { UnrecoverableError } from 'bullmq';

import { assertPublicLiteral, publicOnlyLookup } from './network-guard';
import type { Redactor } from './redaction';
import { headerValues, NO_SECRETS } from './redaction';

const TIMEOUT_MS = 10_000;

/** A call that failed but may succeed later (5xx, 429, network); `retryAfterMs` from Retry-After. */
export class RetryableCallError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export class UnauthorizedCallError extends Error {}

function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * One HTTP call to an ITSM: any 2xx is success (its JSON body, if any); 401 is reported apart so
 * the caller can fetch a token once more; 429, 5xx and network errors are retryable (honouring
 * Retry-After); any other 4xx is final. What the ITSM answered goes into the error with every
 * secret of the call redacted (`secrets`, and the credential headers sent): errors end up in the
 * alert history, in the failed job and in logs.
 */
export async function callItsm(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  allowPrivate: boolean,
  secrets: Redactor = NO_SECRETS,
): Promise<unknown> {
  assertPublicLiteral(url, allowPrivate);
  const redactor = secrets.with(headerValues(init.headers));
  let res: { status: number; text: string; retryAfter: string | null };
  try {
    res = await send(url, init, allowPrivate);
  } catch (err) {
    if (err instanceof UnrecoverableError) throw err;
    throw new RetryableCallError(`${init.method} ${url}: ${redactor.text((err as Error).message)}`);
  }
  const { status, text } = res;
  if (status >= 200 && status < 300) {
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  const what = `${init.method} ${url} answered ${status}`;
  if (status === 401) throw new UnauthorizedCallError(what);
  if (status === 429 || status >= 500) throw new RetryableCallError(what, retryAfter(res.retryAfter));
  // Redacted before it is cut short, so that no part of a secret survives at the cut.
  throw new UnrecoverableError(`${what}: ${redactor.text(text).slice(0, 300)}`);
}

/**
 * node:http rather than fetch: its `lookup` hook lets the private-range check see the very
 * addresses the connection uses. Redirects are not followed (a 3xx is a final answer).
 */
function send(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  allowPrivate: boolean,
): Promise<{ status: number; text: string; retryAfter: string | null }> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const req = client.request(
      target,
      {
        method: init.method,
        headers: { ...init.headers, ...(body && { 'content-length': String(body.length) }) },
        lookup: allowPrivate ? undefined : publicOnlyLookup,
        timeout: TIMEOUT_MS,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            retryAfter: response.headers['retry-after'] ?? null,
          }),
        );
        response.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
