/**
 * `promise`'s value if it settles well within `ms`; undefined if it fails or takes longer. For the
 * figures read at scrape time: a scrape must neither fail nor hang because a server is away.
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
