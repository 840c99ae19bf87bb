import { createHash } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';

import { Errors } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { Queues } from '@sluice/queue';

/** How a reserved login attempt ended. */
export type LoginOutcome = 'success' | 'failure' | 'error';

export interface LoginAttempt {
  settle(outcome: LoginOutcome): Promise<void>;
}

const REDIS_TIMEOUT_MS = 1000;

/**
 * Takes one attempt, atomically, so that concurrent guesses cannot all slip past the check:
 * refused (the milliseconds to wait) while the address is over its budget or the account waits
 * out its delay; else counted as a failure up front (settling a success takes it back), and
 * once the account has `maxFailures`, its next attempt waits 1 s, 2 s, 4 s … up to the cap.
 * KEYS: account failures, account delay, address failures.
 * ARGV: maxFailures, maxFailuresPerIp, windowMs, maxDelayMs, firstDelayMs.
 */
const RESERVE = `
local maxFailures, maxPerIp, windowMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if maxPerIp > 0 and tonumber(redis.call('GET', KEYS[3]) or '0') >= maxPerIp then
  return math.max(1, redis.call('PTTL', KEYS[3]))
end
local waiting = redis.call('PTTL', KEYS[2])
if waiting > 0 then return waiting end
if maxPerIp > 0 and redis.call('INCR', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], windowMs) end
if maxFailures > 0 then
  local failures = redis.call('INCR', KEYS[1])
  redis.call('PEXPIRE', KEYS[1], windowMs)
  if failures >= maxFailures then
    local delay = math.min(tonumber(ARGV[4]), tonumber(ARGV[5]) * 2 ^ (failures - maxFailures))
    redis.call('SET', KEYS[2], '1', 'PX', math.floor(delay))
  end
end
return 0
`;

/** ARGV[1]: 'success' clears the account, 'error' only takes this attempt back. */
const SETTLE = `
if ARGV[1] == 'success' then
  redis.call('DEL', KEYS[1], KEYS[2])
elseif tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
  redis.call('DECR', KEYS[1])
end
if tonumber(redis.call('GET', KEYS[3]) or '0') > 0 then redis.call('DECR', KEYS[3]) end
return 0
`;

const NOTHING_TO_SETTLE: LoginAttempt = { settle: async () => undefined };

/**
 * Password-guessing brakes for every login that verifies a password (LOGIN_* settings): per
 * account (the email as logins read it, whether or not such a user exists, so the brakes reveal
 * nothing) and per client address (`req.ip`). Counters live in Redis under REDIS_PREFIX, so all gateway processes share
 * them. A refused attempt is answered 429 with Retry-After before the database or the password
 * hash is touched. Without Redis, logins go on unbraked (a warning says so): an outage of the
 * queue must not also lock every user out.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly redis: Redis;
  private readonly prefix: string;
  private unavailable = false;

  constructor(
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
    queues: Queues,
  ) {
    // One hash tag for all: a script touches an account's and an address's keys together.
    this.prefix = `${config.redisPrefix}:{login}`;
    // The process's one Redis connection (fails fast in an outage, closed after the HTTP server).
    this.redis = queues.connection;
    this.redis.defineCommand('sluiceLoginReserve', { numberOfKeys: 3, lua: RESERVE });
    this.redis.defineCommand('sluiceLoginSettle', { numberOfKeys: 3, lua: SETTLE });
  }

  /** Takes one attempt for `email` from `ip`; 429 with Retry-After when it must wait. */
  async attempt(email: string, ip: string): Promise<LoginAttempt> {
    const { maxFailures, maxFailuresPerIp, windowSeconds, firstDelaySeconds, maxDelaySeconds } =
      this.config.loginThrottle;
    if (maxFailures === 0 && maxFailuresPerIp === 0) return NOTHING_TO_SETTLE;
    const keys = this.keys(email, ip);
    let waitMs: number;
    try {
      waitMs = await this.call<number>(
        'sluiceLoginReserve',
        keys,
        maxFailures,
        maxFailuresPerIp,
        windowSeconds * 1000,
        maxDelaySeconds * 1000,
        firstDelaySeconds * 1000,
      );
    } catch (err) {
      this.warnUnavailable(err);
      return NOTHING_TO_SETTLE;
    }
    if (this.unavailable) {
      this.unavailable = false;
      this.logger.log('redis is back: login attempts are braked again');
    }
    if (waitMs > 0) throw Errors.tooManyRequests(Math.ceil(waitMs / 1000));
    return {
      settle: async (outcome) => {
        if (outcome === 'failure') return;
        await this.call('sluiceLoginSettle', keys, outcome).catch((err: unknown) => this.warnUnavailable(err));
      },
    };
  }

  private keys(email: string, ip: string): string[] {
    // Hashed: no email in Redis, and a key of bounded length whatever the client sends.
    const account = createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
    return [`${this.prefix}:account:${account}`, `${this.prefix}:delay:${account}`, `${this.prefix}:ip:${ip}`];
  }

  private async call<T>(command: string, keys: string[], ...args: (string | number)[]): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
    });
    const run = (this.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<T>>)[command];
    try {
      return await Promise.race([run.call(this.redis, ...keys, ...args), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private warnUnavailable(err: unknown): void {
    if (this.unavailable) return;
    this.unavailable = true;
    this.logger.warn(`redis unavailable, login attempts are not braked until it is back: ${(err as Error).message}`);
  }
}
