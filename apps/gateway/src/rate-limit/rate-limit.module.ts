import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';

import { FixedWindowStorage } from './fixed-window.storage';
import { LoginThrottle } from './login-throttle.service';
import { RateLimiter } from './rate-limiter.service';

/**
 * Rate limits of the publish routes (@nestjs/throttler's storage, counted by RateLimiter, per
 * process) and the brakes on password logins (LoginThrottle, in Redis: shared by all processes).
 */
@Global()
@Module({
  imports: [
    // The limits themselves come from SluiceConfig (RateLimiter); the module provides the storage.
    ThrottlerModule.forRoot({ throttlers: [], storage: new FixedWindowStorage() }),
  ],
  providers: [RateLimiter, LoginThrottle],
  exports: [RateLimiter, LoginThrottle],
})
export class RateLimitModule {}
