import { TtlCache } from './ttl-cache';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const isOutage = (err: unknown) => err === outage;

describe('TtlCache', () => {
  it('serves the last good value when a reload fails with an accepted error, and tries again one TTL later', async () => {
    const cache = new TtlCache<string, number>(30, 10, isOutage);
    let loads = 0;
    let fail = false;
    const load = async () => {
      loads++;
      if (fail) throw outage;
      return loads;
    };
    expect(await cache.get('a', load)).toBe(1);
    await sleep(40);
    fail = true;
    expect(await cache.get('a', load)).toBe(1); // stale, after one failed load
    expect(await cache.get('a', load)).toBe(1); // still stale, without another load
    expect(loads).toBe(2);
    await sleep(40);
    fail = false;
    expect(await cache.get('a', load)).toBe(3);
  });

  it('rethrows other errors, and any error for a key it never had', async () => {
    const cache = new TtlCache<string, number>(10, 10, isOutage);
    await expect(cache.get('never', async () => Promise.reject(outage))).rejects.toBe(outage);
    await cache.get('a', async () => 1);
    await sleep(20);
    const bug = new Error('bug');
    await expect(cache.get('a', async () => Promise.reject(bug))).rejects.toBe(bug);
    expect(() => cache.staleOrThrow('never', outage)).toThrow(outage);
    expect(cache.staleOrThrow('a', outage)).toBe(1);
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const cache = new TtlCache<string, string>(60_000, 2, isOutage);
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.peek('a')).toBe('A'); // a is now more recent than b
    cache.set('c', 'C');
    expect(cache.peek('b')).toBeUndefined();
    expect(cache.peek('a')).toBe('A');
    expect(cache.peek('c')).toBe('C');
  });

  it('forgets a deleted key entirely: no stale value to fall back on', async () => {
    const cache = new TtlCache<string, number>(10, 10, isOutage);
    await cache.get('a', async () => 1);
    cache.delete('a');
    await expect(cache.get('a', async () => Promise.reject(outage))).rejects.toBe(outage);
  });
});
