import { parseTimestamp } from '@sluice/contracts';

import { badRecord } from '../jobs/job-failure';

/** A record with its timestamp parsed (epoch milliseconds). */
export interface Timed<R> {
  record: R;
  ts: number;
}

/**
 * Of several records of a batch for the same customer and id, the newest (by timestamp; the later
 * one in the batch on a tie) — spec §2.3–§2.5: the newest entity, service or heartbeat wins. A
 * record whose timestamp cannot be read fails the job as a bad record.
 */
export function newestRecords<R extends { envcustomerid: string; timestamp: string }>(
  records: R[],
  id: (r: R) => string,
): Timed<R>[] {
  const newest = new Map<string, Timed<R>>();
  records.forEach((record, index) => {
    const ts = parseTimestamp(record.timestamp);
    if (ts === undefined) throw badRecord(index, 'timestamp is not an ISO-8601 date-time');
    const key = `${record.envcustomerid}\u0000${id(record)}`;
    const seen = newest.get(key);
    if (!seen || ts >= seen.ts) newest.set(key, { record, ts });
  });
  return [...newest.values()];
}
