import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type Redis from 'ioredis';

/** How often a process adds its hits to the shared counters and reads the totals back. */
const SHARE_EVERY_MS = 100;
/** A key hit here this recently has its shared total read back at every share. */
const IN_USE_MS = 2000;

/**
 * Adds a process's hits to a key's shared counter; the first hits of a window start it (its TTL).
 * Answers the shared total and the ms left in the window. KEYS[1]: counter; ARGV: hits, window ms.
 */
const ADD = `
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if n == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
return {n, ttl}
`;

interface Counter {
  /** When the window ends: this process's guess until Redis has told it (the first hit anywhere starts it). */
  endsAt: number;
  windowMs: number;
  /** The shared total as last read from Redis (this process's shared hits included). */
  shared: number;
  /** Hits taken here since the last share. */
  pending: number;
  /** The last hit here: a key in use has its total read back even without hits of its own to add. */
  lastHitAt: number;
}

type AddCommand = (key: string, hits: number, windowMs: number) => Promise<[number, number]>;

/**
 * Fixed-window rate-limit counters for @nestjs/throttler, shared by every gateway process through
 * Redis without a Redis call per request. A hit is decided in memory against the last shared total
 * plus this process's own hits since; every SHARE_EVERY_MS the hits taken are added to the shared
 * counters (one script call per key, pipelined) and the totals and window ends read back, also for
 * the keys in use here without hits of their own to add (so the others' hits are seen). A window
 * starts with its key's first hit in any process and lasts RATE_LIMIT_WINDOW, as Redis keeps it.
 * The price is a bounded overshoot: another process's hits of the last 100 ms are not yet seen
 * here (README, "Refusals, limits and failures"). While Redis is unreachable each process counts
 * its own hits, and shares them once it answers again.
 */
export class SharedWindowStorage implements ThrottlerStorage {
  private readonly counters = new Map<string, Counter>();
  private sharing = false;

  constructor(
    private readonly redis: Redis,
    /** `<REDIS_PREFIX>:ratelimit`. */
    private readonly prefix: string,
  ) {
    redis.defineCommand('sluiceRateAdd', { numberOfKeys: 1, lua: ADD });
    // Unref'd: it never keeps a stopping process alive (hits not yet shared then are lost, as in a crash).
    setInterval(() => void this.share(), SHARE_EVERY_MS).unref();
  }

  increment(key: string, ttlMs: number, limit: number): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    let counter = this.counters.get(key);
    if (!counter || counter.endsAt <= now) {
      counter = { endsAt: now + ttlMs, windowMs: ttlMs, shared: 0, pending: 0, lastHitAt: now };
      this.counters.set(key, counter);
    }
    counter.lastHitAt = now;
    const hits = counter.shared + counter.pending + 1;
    const isBlocked = hits > limit;
    if (!isBlocked) counter.pending++;
    const timeToExpire = Math.max(1, Math.ceil((counter.endsAt - now) / 1000));
    return Promise.resolve({
      totalHits: hits,
      timeToExpire,
      isBlocked,
      timeToBlockExpire: isBlocked ? timeToExpire : 0,
    });
  }

  /** Adds the pending hits to the shared counters; reads back their totals and window ends. */
  async share(): Promise<void> {
    if (this.sharing) return;
    this.sharing = true;
    try {
      const now = Date.now();
      const batch: { counter: Counter; sent: number }[] = [];
      const pipeline = this.redis.pipeline() as unknown as Record<'sluiceRateAdd', AddCommand> & {
        exec(): Promise<[Error | null, unknown][] | null>;
      };
      for (const [key, counter] of this.counters) {
        if (counter.endsAt <= now) {
          // Over: hits still pending belonged to it, and its shared counter has expired with it.
          this.counters.delete(key);
          continue;
        }
        if (counter.pending === 0 && now - counter.lastHitAt > IN_USE_MS) continue;
        batch.push({ counter, sent: counter.pending });
        // A hash tag per key: its counter stays in one slot should Redis be a cluster.
        void pipeline.sluiceRateAdd(`${this.prefix}:{${key}}`, counter.pending, counter.windowMs);
      }
      if (batch.length === 0) return;
      const results = await pipeline.exec();
      const answered = Date.now();
      batch.forEach(({ counter, sent }, i) => {
        const [err, answer] = results?.[i] ?? [new Error('no answer')];
        if (err) return; // kept pending: shared at the next turn
        const [total, ttl] = answer as [number, number];
        counter.pending -= sent;
        counter.shared = total;
        counter.endsAt = answered + ttl;
      });
    } catch {
      // Redis unreachable: the hits stay pending, and are shared once it answers again.
    } finally {
      this.sharing = false;
    }
  }
}
