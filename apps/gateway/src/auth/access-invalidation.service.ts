import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { Queues } from '@sluice/queue';

/** What a process may hold in its access caches: users, login sessions, customers, API keys (by hash). */
export type AccessKind = 'user' | 'family' | 'customer' | 'key';
type Forget = (id: string) => void;

/**
 * Cache invalidation shared by every gateway process (spec §8.1's "revoked at once", and a
 * disabled user, an ended session, a deactivated customer alike): a change made in one process is
 * forgotten there at once and published on Redis (`<REDIS_PREFIX>:access:forget`), and every
 * process drops the entry when the message arrives. The caches' TTL (ACCESS_CACHE_TTL) only
 * bounds a message missed while a process was disconnected from Redis.
 */
@Injectable()
export class AccessInvalidation implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AccessInvalidation.name);
  private readonly channel: string;
  private readonly handlers = new Map<AccessKind, Forget[]>();
  private subscriber?: Redis;

  constructor(
    private readonly queues: Queues,
    @Inject(SLUICE_CONFIG) config: SluiceConfig,
  ) {
    this.channel = `${config.redisPrefix}:access:forget`;
  }

  /** Called with the id of every `kind` entry forgotten anywhere (this process included). */
  on(kind: AccessKind, forget: Forget): void {
    this.handlers.set(kind, [...(this.handlers.get(kind) ?? []), forget]);
  }

  /** Forgets the entry here now, and in every other process when they hear of it. */
  async forget(kind: AccessKind, id: string): Promise<void> {
    this.apply(kind, id);
    try {
      await this.queues.connection.publish(this.channel, `${kind}:${id}`);
    } catch (err) {
      this.logger.warn(`${kind} change not published to the other processes: ${(err as Error).message}`);
    }
  }

  onModuleInit(): void {
    // A connection of its own: a subscribed connection can do nothing else. It queues no command
    // while down (as the gateway's connection), so it subscribes each time it is ready.
    const subscriber = this.queues.connection.duplicate();
    subscriber.on('error', () => undefined); // the shared connection reports Redis trouble
    subscriber.on('message', (_channel: string, message: string) => {
      const colon = message.indexOf(':');
      this.apply(message.slice(0, colon) as AccessKind, message.slice(colon + 1));
    });
    subscriber.on('ready', () => {
      subscriber
        .subscribe(this.channel)
        .catch((err: Error) => this.logger.warn(`access changes not subscribed: ${err.message}`));
    });
    this.subscriber = subscriber;
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  private apply(kind: AccessKind, id: string): void {
    for (const forget of this.handlers.get(kind) ?? []) forget(id);
  }
}
