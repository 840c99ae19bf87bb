import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { FixedWindowStorage } from './fixed-window.storage';
import { UserThrottlerGuard } from './user-throttler.guard';

/** RATE_LIMIT_USER and RATE_LIMIT_CUSTOMER requests per RATE_LIMIT_WINDOW seconds; 0 turns a limit off. */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [SLUICE_CONFIG],
      useFactory: (config: SluiceConfig) => ({
        throttlers: [{ ttl: config.rateLimit.windowSeconds * 1000, limit: config.rateLimit.perUser }],
        skipIf: () => config.rateLimit.perUser === 0,
        storage: new FixedWindowStorage(),
      }),
    }),
  ],
  providers: [UserThrottlerGuard],
  exports: [ThrottlerModule, UserThrottlerGuard],
})
export class RateLimitModule {}
