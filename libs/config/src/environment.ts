import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

import { DEFAULTS } from './defaults';

const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  const text =
    typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' ? String(value) : '';
  return ['1', 'true', 'yes', 'on'].includes(text.toLowerCase());
};

/** An http(s) URL; a host without a top-level domain (127.0.0.1, a proxy's name) is fine. */
const CHANNEL_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

/**
 * The notification channel types whose service API base URL `CHANNEL_API_URL_<TYPE>` overrides.
 * WEBHOOK has its own URL per integration; HIP_CHAT and FLOWDOCK are shut down.
 */
export const CHANNEL_API_URL_TYPES = [
  'PAGER_DUTY',
  'SLACK',
  'DATADOG',
  'NEW_RELIC',
  'OPS_GENIE',
  'VICTOR_OPS',
] as const;
export type ChannelApiUrlType = (typeof CHANNEL_API_URL_TYPES)[number];

/**
 * Every environment variable Sluice reads, with its default. The README's configuration table
 * mirrors this class; `validateEnvironment` refuses to start on a value that does not fit.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8080;

  @IsString()
  HOST = '0.0.0.0';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  GATEWAY_PROCESSES = 1;

  // Spec §10: the Prometheus endpoint's port (0: none); unset, the process's own default
  // (gateway 9464, worker 9465). Not the API port, and on loopback unless METRICS_HOST says otherwise.
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65_535)
  METRICS_PORT?: number;

  @IsString()
  @MinLength(1)
  METRICS_HOST = '127.0.0.1';

  @IsString()
  DATABASE_URL: string = DEFAULTS.DATABASE_URL;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DATABASE_CONNECT_TIMEOUT_MS = 5000;

  @IsString()
  REDIS_URL: string = DEFAULTS.REDIS_URL;

  @IsString()
  @MinLength(1)
  REDIS_PREFIX: string = DEFAULTS.REDIS_PREFIX;

  /** BullMQ's key prefix; default `{<REDIS_PREFIX>}` (see SluiceConfig.queuePrefix). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  QUEUE_PREFIX?: string;

  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  SECRETS_KEY?: string;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(86_400)
  ACCESS_TOKEN_TTL = 900;

  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(31_536_000)
  REFRESH_TOKEN_TTL = 1_209_600;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  COOKIE_SECURE?: boolean;

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(104_857_600)
  BODY_LIMIT = 5 * 1024 * 1024;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  NOTIFIER_ALLOW_PRIVATE_NETWORKS?: boolean;

  @IsOptional()
  @IsEmail()
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(8)
  ADMIN_PASSWORD?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  RATE_LIMIT_WINDOW = 60;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  RATE_LIMIT_USER = 60_000;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  RATE_LIMIT_CUSTOMER = 60_000;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  LOGIN_MAX_FAILURES = 5;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  LOGIN_MAX_FAILURES_PER_IP = 100;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  LOGIN_FAILURE_WINDOW = 900;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  LOGIN_MAX_DELAY = 60;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  LOGIN_FIRST_DELAY = 1;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  QUEUE_MAX_BACKLOG = 100_000;

  // Publish requests of one queue that reach the gateway within this many ms share one job (0:
  // those of the same event-loop turn, adding no wait).
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100)
  PUBLISH_COALESCE_MS = 0;

  // Redis memory (its `used_memory`, MiB) over which publishing answers 503: the backlog bound in
  // bytes, since 100,000 jobs of 500 events would not fit a small machine. 0 = no bound.
  @Type(() => Number)
  @IsInt()
  @Min(0)
  QUEUE_MAX_MEMORY_MB = 2048;

  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(60_000)
  QUEUE_ADD_TIMEOUT_MS = 2000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  RETRY_AFTER_SECONDS = 5;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600)
  ACCESS_CACHE_TTL = 5;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY = 8;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  WORKER_LOCK_MS = 6000;

  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(3600)
  MAINTENANCE_INTERVAL = 60;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(600_000)
  NOTIFIER_RETRY_BASE_MS = 2000;

  // Spec §9 storms: changes over an integration's rate are held and sent as one digest at most
  // this often (README, "Alert storms").
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  CHANNEL_DIGEST_WINDOW_MS = 30_000;

  // How long `POST …/integrations/{TYPE}/test` waits for the worker's delivery before answering
  // 202 (the outcome then shows in …/deliveries).
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  CHANNEL_TEST_WAIT_MS = 15_000;

  // How long `POST /api/v1/alerts/{id}/actions` waits for the worker to apply the action.
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  ALERT_ACTION_WAIT_MS = 10_000;

  // Base URLs of the notification channels' APIs (proxies, self-hosted endpoints, tests); unset =
  // the service's own US or EU host. See CHANNEL_API_URL_VARIABLES.
  @IsOptional()
  @IsUrl(CHANNEL_URL)
  CHANNEL_API_URL_PAGER_DUTY?: string;

  @IsOptional()
  @IsUrl(CHANNEL_URL)
  CHANNEL_API_URL_SLACK?: string;

  @IsOptional()
  @IsUrl(CHANNEL_URL)
  CHANNEL_API_URL_DATADOG?: string;

  @IsOptional()
  @IsUrl(CHANNEL_URL)
  CHANNEL_API_URL_NEW_RELIC?: string;

  @IsOptional()
  @IsUrl(CHANNEL_URL)
  CHANNEL_API_URL_OPS_GENIE?: string;

  @IsOptional()
  @IsUrl(CHANNEL_URL)
  CHANNEL_API_URL_VICTOR_OPS?: string;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  RETENTION_EVENTS_DAYS = 30;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  RETENTION_METRICS_DAYS = 30;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  RETENTION_HISTORY_DAYS = 90;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  // `auto`: readable lines (pino-pretty) when stdout is a terminal, JSON lines otherwise.
  @IsIn(['auto', 'json', 'pretty'])
  LOG_FORMAT: 'auto' | 'json' | 'pretty' = 'auto';

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  LOG_REQUESTS?: boolean;
}

export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`);
    throw new Error(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return env;
}
