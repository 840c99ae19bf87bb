import type { EventEmitter } from 'node:events';

import { Logger } from '@nestjs/common';
import type { ConnectionOptions, Processor, WorkerOptions } from 'bullmq';
import { Worker } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import Redis from 'ioredis';

import { errorSummary, isConnectionError, outageLog } from '@sluice/database';

const logger = new Logger('Redis');

/**
 * The one place where Redis clients and BullMQ's Queue, Worker and QueueEvents get their `error`
 * listener. Without one, ioredis prints "Unhandled error event" with a stack on every reconnect
 * attempt and BullMQ console.error()s each error, bypassing the logger. Connection errors go to
 * Redis's OutageLog (one warn line per outage; an ioredis client's `ready` ends it); anything
 * else is a warn line of its own.
 */
export function reportRedisErrors<T extends EventEmitter>(source: T, url: string): T {
  const outage = outageLog('Redis', url);
  source.on('error', (err: unknown) => {
    if (isConnectionError(err)) outage.down(err);
    else logger.warn({ error: errorSummary(err) }, 'Redis or queue error');
  });
  if (source instanceof Redis) source.on('ready', () => outage.up());
  return source;
}

/**
 * Producers fail fast when Redis is unreachable (no offline queue, one try per command), so that
 * an outage answers 503 at once instead of holding the request. Workers need the opposite
 * (`maxRetriesPerRequest: null`, as BullMQ requires for blocking commands).
 */
export function producerConnection(url: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
  } satisfies RedisOptions);
  return reportRedisErrors(redis, url);
}

export function workerConnectionOptions(url: string): ConnectionOptions {
  return { url, maxRetriesPerRequest: null };
}

/** A worker process's own client (for adding jobs and pings): it waits out an outage. */
export function workerConnection(url: string): Redis {
  return reportRedisErrors(new Redis(url, { maxRetriesPerRequest: null }), url);
}

/** The URL of a BullMQ connection option, for the OutageLog. */
function urlOf(connection: ConnectionOptions | undefined): string {
  if (connection instanceof Redis) return `redis://${connection.options.host}:${connection.options.port}`;
  return (connection as { url?: string } | undefined)?.url ?? 'redis://(unknown)';
}

/**
 * The BullMQ Worker class for @nestjs/bullmq's processors: `defaults` (the lock timing of
 * worker-options.ts) under whatever the processor's decorator sets, and errors reported.
 */
export function reportingWorkerClass(defaults: Partial<WorkerOptions>): typeof Worker {
  return class ReportingWorker extends Worker {
    constructor(name: string, processor: Processor | string | URL | null | undefined, opts: WorkerOptions) {
      super(name, processor, { ...defaults, ...opts });
      reportRedisErrors(this, urlOf(opts.connection));
    }
  };
}
