/**
 * Polls `probe` until it returns something truthy (or `accept` says so), or fails after `ms`. For
 * "until the worker has processed what was published", use `drained` (queues.ts) instead.
 */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (v: T) => boolean = Boolean,
  ms = 10_000,
): Promise<T> {
  const until = Date.now() + ms;
  let last: T;
  do {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  } while (Date.now() < until);
  throw new Error(`condition not met within ${ms} ms; last value: ${JSON.stringify(last)}`);
}
