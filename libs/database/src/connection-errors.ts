/**
 * Whether an error says that a server (PostgreSQL or Redis) cannot be reached or dropped the
 * connection, as opposed to refusing what was asked of it. Such an error is an outage, never the
 * caller's fault: the gateway answers 503 with Retry-After, the worker waits and tries again.
 * The one place that knows how node-postgres, Prisma's pg adapter and ioredis say it.
 */
export function isConnectionError(err: unknown): boolean {
  return someInChain(err, (e) => {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && (SOCKET_CODES.has(code) || PRISMA_CODES.has(code) || isConnectionSqlState(code))) return true;
    if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
    if (e.name === 'MaxRetriesPerRequestError') return true;
    return typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message);
  });
}

// Node's socket and DNS errors.
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
// Prisma: can't reach the server (P1001), timed out (P1002, P1008), server closed the connection
// (P1017), no pooled connection in time (P2024).
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
// Prisma's pg adapter names the socket errors it recognised.
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// What node-postgres, Prisma and ioredis say without a code.
const CONNECTION_MESSAGES =
  /Connection terminated|not queryable|timeout exceeded when trying to connect|Can't reach database server|Server has closed the connection|Connection is closed|Stream isn't writeable/i;

/**
 * SQLSTATE class 08 (connection exception) but 08P01 (protocol violation: the same request would
 * violate it again), 57P01-57P03 (server shutting down, crashed, starting), 53300 (too many
 * connections).
 */
function isConnectionSqlState(code: string): boolean {
  if (code === '08P01') return false;
  return /^08[0-9A-Z]{3}$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

type ErrorLike = {
  code?: unknown;
  kind?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  meta?: unknown;
  driverAdapterError?: unknown;
};

/** Tests `err` and what it wraps: `cause`, an AggregateError's `errors`, Prisma's `meta.driverAdapterError`. */
function someInChain(err: unknown, test: (e: ErrorLike) => boolean, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 6) return false;
  const e = err as ErrorLike;
  if (test(e)) return true;
  const aggregated: unknown[] = Array.isArray(e.errors) ? e.errors : [];
  const inner = [e.cause, e.meta, e.driverAdapterError, ...aggregated];
  return inner.some((i) => someInChain(i, test, depth + 1));
}

/** The first non-empty message along the cause chain (an AggregateError's own message is empty). */
export function errorSummary(err: unknown): string {
  let summary: string | undefined;
  someInChain(err, (e) => {
    if (typeof e.message === 'string' && e.message.trim()) summary = e.message.trim().split('\n').filter(Boolean).pop();
    else if (typeof e.code === 'string') summary = e.code;
    return summary !== undefined;
  });
  return summary ?? String(err);
}

/** A connection URL fit for logs: without its password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

export type Service = 'PostgreSQL' | 'Redis';
const SETTING: Record<Service, string> = { PostgreSQL: 'DATABASE_URL', Redis: 'REDIS_URL' };

/** The one line a process says when it cannot start without a server: where, why, what to do. */
export function unreachableMessage(service: Service, url: string, err: unknown): string {
  return `${service} at ${redactUrl(url)} is unreachable (${errorSummary(err)}): start ${service} or set ${SETTING[service]}`;
}

/** A start-up failure that `unreachableMessage` says all about; its cause stays attached. */
export class ServiceUnreachableError extends Error {
  override readonly name = 'ServiceUnreachableError';
  constructor(service: Service, url: string, cause: unknown) {
    super(unreachableMessage(service, url, cause), { cause });
  }
}
