/**
 * A small in-process cache with a time to live, a size bound and one load in flight per key.
 * It backs the gateway's "no database round trip per request in steady state" rule: entries are
 * short-lived so that changes made by another process show within the TTL, and invalidated at
 * once for changes made by this one.
 *
 * Expired entries are kept (up to `maxEntries`, least recently used dropped first) as the last
 * good value: when reloading one fails with an error `serveStale` accepts (the database is
 * unreachable), the last good value is served, and again for another TTL before the next try,
 * so that an outage costs one failed load per key and TTL, not one per request.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  private readonly loading = new Map<K, Promise<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
    private readonly serveStale: (err: unknown) => boolean = () => false,
  ) {}

  async get(key: K, load: (key: K) => Promise<V>): Promise<V> {
    const hit = this.touch(key);
    if (hit && hit.expiresAt > Date.now()) return hit.value;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const promise = load(key)
      .then(
        (value) => {
          this.set(key, value);
          return value;
        },
        (err) => this.staleOrThrow(key, err),
      )
      .finally(() => this.loading.delete(key));
    this.loading.set(key, promise);
    return promise;
  }

  /** The fresh value of `key`, if any. */
  peek(key: K): V | undefined {
    const hit = this.touch(key);
    return hit && hit.expiresAt > Date.now() ? hit.value : undefined;
  }

  /**
   * For a load of several keys at once that failed with `err`: the last good value of `key`
   * (kept for another TTL) if `serveStale` accepts the error, else `err` is thrown.
   */
  staleOrThrow(key: K, err: unknown): V {
    const last = this.entries.get(key);
    if (!last || !this.serveStale(err)) throw err;
    last.expiresAt = Date.now() + this.ttlMs;
    return last.value;
  }

  set(key: K, value: V, ttlMs = this.ttlMs): void {
    if (ttlMs <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order, and every use re-inserts: the first is the least recently used.
      this.entries.delete(this.entries.keys().next().value as K);
    }
    this.entries.set(key, { value, expiresAt: Date.now() + ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** The entry of `key`, fresh or not, moved to the most recently used end. */
  private touch(key: K): { value: V; expiresAt: number } | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }
}
