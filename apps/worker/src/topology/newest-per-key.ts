/**
 * Of several records for the same key, the newest (by timestamp; the later one in the batch on a
 * tie) — spec §2.3/§2.4: the newest record of an entity or service wins.
 */
export function newestPerKey<T>(records: T[], key: (r: T) => string, ts: (r: T) => number): T[] {
  const newest = new Map<string, { record: T; ts: number }>();
  for (const record of records) {
    const k = key(record);
    const t = ts(record);
    const seen = newest.get(k);
    if (!seen || t >= seen.ts) newest.set(k, { record, ts: t });
  }
  return [...newest.values()].map((v) => v.record);
}
