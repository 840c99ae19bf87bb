import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { Queues } from '@sluice/queue';

import { LoginThrottle } from './login-throttle.service';
import { RateLimiter } from './rate-limiter.service';
import { SharedWindowStorage } from './shared-window.storage';

/**
 * Rate limits of the publish and ingest routes (@nestjs/throttler's storage, counted by
 * RateLimiter, shared by every gateway process through Redis) and the brakes on password logins
 * (LoginThrottle, in Redis too).
 */
@Global()
@Module({
  imports: [
    // The limits themselves come from SluiceConfig (RateLimiter); the module provides the storage.
    ThrottlerModule.forRootAsync({
      inject: [Queues, SLUICE_CONFIG],
      useFactory: (queues: Queues, config: SluiceConfig) => ({
        throttlers: [],
        storage: new SharedWindowStorage(queues.connection, `${config.redisPrefix}:ratelimit`),
      }),
    }),
  ],
  providers: [RateLimiter, LoginThrottle],
  exports: [RateLimiter, LoginThrottle],
})
export class RateLimitModule {}
