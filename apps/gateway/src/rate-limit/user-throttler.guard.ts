import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { Errors } from '@sluice/common';
import type { Principal } from '../auth/principal';

/** Spec §2 row 8: requests per user and window; runs after authentication, so it knows the user. */
@Injectable()
export class UserThrottlerGuard extends ThrottlerGuard {
  protected async getTracker(req: { user?: Principal; ip: string }): Promise<string> {
    return req.user ? `user:${req.user.id}` : `ip:${req.ip}`;
  }

  /**
   * One counter per user (and throttler) for all publish routes together. The library's default
   * key also holds the controller and handler name, which gave each user RATE_LIMIT_USER requests
   * per route, five times the configured limit across the five publish routes.
   */
  protected generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw Errors.tooManyRequests(detail.timeToBlockExpire);
  }
}
