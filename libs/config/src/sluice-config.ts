import { ensureDevSecrets, MIN_JWT_SECRET_LENGTH } from './defaults';
import type { ChannelApiUrlType, Environment } from './environment';
import { CHANNEL_API_URL_TYPES, validateEnvironment } from './environment';

/** Typed, derived settings: what the code reads instead of raw environment strings. */
export interface SluiceConfig {
  production: boolean;
  port: number;
  host: string;
  databaseUrl: string;
  databasePoolSize: number;
  /** How long a new PostgreSQL connection may take before the attempt fails. */
  databaseConnectTimeoutMs: number;
  redisUrl: string;
  /** REDIS_PREFIX: the first part of every Redis key of Sluice's own. */
  redisPrefix: string;
  /**
   * QUEUE_PREFIX: BullMQ's key prefix, by default REDIS_PREFIX in braces (`{sluice}`): a Redis
   * Cluster hashes only the part in braces, so all of a queue's keys — which BullMQ's scripts
   * touch together — fall in one slot.
   */
  queuePrefix: string;
  jwtSecret: string;
  secretsKey: Buffer;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  cookieSecure: boolean;
  bodyLimit: number;
  notifierAllowPrivateNetworks: boolean;
  /** First retry delay of an ITSM call; each next one doubles (unless Retry-After says otherwise). */
  notifierRetryBaseMs: number;
  /** CHANNEL_DIGEST_WINDOW_MS: at most one digest per integration this often. */
  channelDigestWindowMs: number;
  /** CHANNEL_TEST_WAIT_MS: how long a channel test waits for its delivery. */
  channelTestWaitMs: number;
  /** METRICS_PORT (undefined: the process's default; 0: none) and METRICS_HOST (spec §10). */
  metrics: { port: number | undefined; host: string };
  /** ALERT_ACTION_WAIT_MS: how long an alert action waits for the worker (spec §10). */
  alertActionWaitMs: number;
  /**
   * `CHANNEL_API_URL_<TYPE>`: a notification channel service's base URL (no trailing slash) in
   * place of its own US/EU host, e.g. `{ PAGER_DUTY: 'http://127.0.0.1:9000' }`. Set by the
   * operator, so trusted: the private-network guard does not apply to it.
   */
  channelApiUrls: Partial<Record<ChannelApiUrlType, string>>;
  admin?: { email: string; password: string };
  rateLimit: { windowSeconds: number; perUser: number; perCustomer: number };
  /**
   * Password logins (token API and Basic auth): after `maxFailures` failures of an account it
   * waits 1 s, then twice as long after each further failure, up to `maxDelaySeconds`; an address
   * gets `maxFailuresPerIp` failures. Failures are forgotten `windowSeconds` after the last one
   * (per address: after its first); a success clears the account's. 0 turns a limit off.
   */
  loginThrottle: {
    maxFailures: number;
    maxFailuresPerIp: number;
    windowSeconds: number;
    firstDelaySeconds: number;
    maxDelaySeconds: number;
  };
  queue: {
    maxBacklog: number;
    maxMemoryBytes: number;
    addTimeoutMs: number;
    retryAfterSeconds: number;
    /** PUBLISH_COALESCE_MS. */
    coalesceMs: number;
  };
  accessCacheTtlSeconds: number;
  workerConcurrency: number;
  /**
   * A queue job's lock: renewed every half of it while the job runs, and a job whose worker died
   * is taken over within about 1.5 times it (see libs/queue/src/worker-options.ts).
   */
  workerLockMs: number;
  /** Seconds between stale-adapter checks and retention runs. */
  maintenanceIntervalSeconds: number;
  /** Days kept; 0 keeps forever. */
  retentionDays: { events: number; metrics: number; history: number };
  logLevel: string;
  /** LOG_FORMAT resolved: readable lines for a person at a terminal, JSON for everything else. */
  logPretty: boolean;
  logRequests: boolean;
  /** Messages about generated throwaway secrets, logged once the logger is up. */
  warnings: string[];
}

export function buildConfig(env: Environment): SluiceConfig {
  const production = env.NODE_ENV === 'production';
  const { NODE_ENV, JWT_SECRET, SECRETS_KEY } = env;
  const secrets: Record<string, string | undefined> = { NODE_ENV, JWT_SECRET, SECRETS_KEY };
  // Filled in outside production, so the first two checks refuse only a production start.
  const warnings = ensureDevSecrets(secrets);
  const jwtSecret = secrets.JWT_SECRET;
  if (!jwtSecret || jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    throw new Error(`JWT_SECRET must be set to at least ${MIN_JWT_SECRET_LENGTH} characters in production`);
  }
  if (!secrets.SECRETS_KEY) throw new Error('SECRETS_KEY must be set in production (32 bytes, base64)');
  const secretsKey = Buffer.from(secrets.SECRETS_KEY, 'base64');
  if (secretsKey.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes, base64-encoded');

  return {
    production,
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databaseConnectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    queuePrefix: env.QUEUE_PREFIX ?? `{${env.REDIS_PREFIX}}`,
    jwtSecret,
    secretsKey,
    accessTokenTtl: env.ACCESS_TOKEN_TTL,
    refreshTokenTtl: env.REFRESH_TOKEN_TTL,
    cookieSecure: env.COOKIE_SECURE ?? production,
    bodyLimit: env.BODY_LIMIT,
    notifierAllowPrivateNetworks: env.NOTIFIER_ALLOW_PRIVATE_NETWORKS ?? !production,
    notifierRetryBaseMs: env.NOTIFIER_RETRY_BASE_MS,
    channelDigestWindowMs: env.CHANNEL_DIGEST_WINDOW_MS,
    channelTestWaitMs: env.CHANNEL_TEST_WAIT_MS,
    alertActionWaitMs: env.ALERT_ACTION_WAIT_MS,
    metrics: { port: env.METRICS_PORT, host: env.METRICS_HOST },
    channelApiUrls: channelApiUrls(env),
    admin: env.ADMIN_EMAIL && env.ADMIN_PASSWORD ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } : undefined,
    rateLimit: {
      windowSeconds: env.RATE_LIMIT_WINDOW,
      perUser: env.RATE_LIMIT_USER,
      perCustomer: env.RATE_LIMIT_CUSTOMER,
    },
    loginThrottle: {
      maxFailures: env.LOGIN_MAX_FAILURES,
      maxFailuresPerIp: env.LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: env.LOGIN_FAILURE_WINDOW,
      firstDelaySeconds: env.LOGIN_FIRST_DELAY,
      maxDelaySeconds: env.LOGIN_MAX_DELAY,
    },
    queue: {
      maxBacklog: env.QUEUE_MAX_BACKLOG,
      maxMemoryBytes: env.QUEUE_MAX_MEMORY_MB * 1024 * 1024,
      coalesceMs: env.PUBLISH_COALESCE_MS,
      addTimeoutMs: env.QUEUE_ADD_TIMEOUT_MS,
      retryAfterSeconds: env.RETRY_AFTER_SECONDS,
    },
    accessCacheTtlSeconds: env.ACCESS_CACHE_TTL,
    workerConcurrency: env.WORKER_CONCURRENCY,
    workerLockMs: env.WORKER_LOCK_MS,
    maintenanceIntervalSeconds: env.MAINTENANCE_INTERVAL,
    retentionDays: {
      events: env.RETENTION_EVENTS_DAYS,
      metrics: env.RETENTION_METRICS_DAYS,
      history: env.RETENTION_HISTORY_DAYS,
    },
    logLevel: env.LOG_LEVEL,
    logPretty: prettyLogs(env.LOG_FORMAT),
    logRequests: env.LOG_REQUESTS ?? true,
    warnings,
  };
}

function channelApiUrls(env: Environment): Partial<Record<ChannelApiUrlType, string>> {
  const urls: Partial<Record<ChannelApiUrlType, string>> = {};
  for (const type of CHANNEL_API_URL_TYPES) {
    const url = env[`CHANNEL_API_URL_${type}`];
    if (url) urls[type] = url.replace(/\/+$/, '');
  }
  return urls;
}

/**
 * The configuration of this environment object: what the apps build from `process.env` at
 * start-up, and what a test builds from an environment of its own (nothing writes process.env).
 */
export function configFromEnv(raw: Record<string, unknown>): SluiceConfig {
  return buildConfig(validateEnvironment(raw));
}

/** LOG_FORMAT: `pretty`, `json`, or by whether stdout is a terminal (`auto`). */
export function prettyLogs(format: 'auto' | 'json' | 'pretty', stdoutIsTty = process.stdout.isTTY === true): boolean {
  return format === 'pretty' || (format === 'auto' && stdoutIsTty);
}
