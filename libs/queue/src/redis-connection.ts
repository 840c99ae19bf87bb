import type { ConnectionOptions } from 'bullmq';
import Redis, { RedisOptions } from 'ioredis';

/**
 * Producers fail fast when Redis is unreachable (no offline queue, one try per command), so that
 * an outage answers 503 at once instead of holding the request. Workers need the opposite
 * (`maxRetriesPerRequest: null`, as BullMQ requires for blocking commands).
 */
export function producerConnection(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
  } satisfies RedisOptions);
}

export function workerConnectionOptions(url: string): ConnectionOptions {
  return { url, maxRetriesPerRequest: null };
}
