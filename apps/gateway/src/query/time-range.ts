import { Errors } from '@sluice/common';
import { parseTimestamp } from '@sluice/contracts';

import type { TimeBound } from '../persistence/event.repository';

/**
 * A time bound of a query as a Date, read by the parser of record timestamps (the DTOs validate
 * with it too): a time without a zone is UTC, as in records, and the instant is within what
 * PostgreSQL stores. `new Date()` would read some forms the validation lets through as local
 * time and others (`+02`, week dates) as an invalid date.
 */
export function queryTime(value: string, field: string): Date {
  const ms = parseTimestamp(value);
  if (ms === undefined)
    throw Errors.invalidPayload([
      { field, error: `${field} must be an ISO-8601 date-time, e.g. 2024-05-01T12:00:00Z` },
    ]);
  return new Date(ms);
}

/** A bound `>= from AND < to` for optional ISO-8601 bounds (undefined: none); 400 if from > to. */
export function timeBound(from?: string, to?: string): TimeBound | undefined {
  if (!from && !to) return undefined;
  const gte = from ? queryTime(from, 'from') : undefined;
  const lt = to ? queryTime(to, 'to') : undefined;
  if (gte && lt && gte > lt) throw Errors.invalidPayload([{ field: 'from', error: 'from must not be after to' }]);
  return { ...(gte && { gte }), ...(lt && { lt }) };
}
