import { Inject, Injectable } from '@nestjs/common';
import { getStorageToken, ThrottlerStorage } from '@nestjs/throttler';

import { Errors } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';

/**
 * Spec §2 row 8: RATE_LIMIT_USER requests per user and RATE_LIMIT_CUSTOMER per customer in each
 * RATE_LIMIT_WINDOW, counted in @nestjs/throttler's storage; 0 turns a limit off. One counter per
 * user for all publish routes together, so the limit is not multiplied by the number of routes.
 */
@Injectable()
export class RateLimiter {
  constructor(
    @Inject(getStorageToken()) private readonly storage: ThrottlerStorage,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
  ) {}

  /** 429 with Retry-After once the user is over the limit. */
  user(userId: string): Promise<void> {
    return this.hit(`user:${userId}`, this.config.rateLimit.perUser);
  }

  /** 429 with Retry-After once any of the customers is over the limit. */
  async customers(customerIds: Iterable<string>): Promise<void> {
    for (const id of customerIds) await this.hit(`customer:${id}`, this.config.rateLimit.perCustomer);
  }

  private async hit(key: string, limit: number): Promise<void> {
    if (limit === 0) return;
    const windowMs = this.config.rateLimit.windowSeconds * 1000;
    const { isBlocked, timeToBlockExpire } = await this.storage.increment(key, windowMs, limit, 0, 'publish');
    if (isBlocked) throw Errors.tooManyRequests(timeToBlockExpire);
  }
}
