import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import Redis from 'ioredis';

/** Checks Redis at start-up and says the worker is ready (PostgreSQL is checked when its pool is made). */
@Injectable()
export class ConnectionsCheck implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private redis?: Redis;

  constructor(@Inject(SLUICE_CONFIG) private readonly config: SluiceConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    this.redis = new Redis(this.config.redisUrl, { maxRetriesPerRequest: 3 });
    await this.redis.ping();
    this.logger.log(`worker ready (postgres and redis connected, queue prefix ${this.config.redisPrefix})`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
  }
}
