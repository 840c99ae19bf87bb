import type { FieldError } from '@sluice/common';

import type { RecordClass } from './record-class';

/**
 * The most UTF-8 bytes the text columns of one database index key may have together. PostgreSQL
 * refuses a B-tree entry over 2704 bytes (and any index row over 8191): 2000 leaves room for the
 * fixed-width columns (a timestamp) and the tuple and length headers, so a record within it is
 * always storable. Checked at the gateway, else the record is a 200 that the worker fails for good.
 */
export const KEY_BYTES = 2000;

/** One text column of an index key, as the worker will store it. */
export interface KeyPart {
  /** The field a client sent, named in the error. */
  field: string;
  /** An upper bound on its UTF-8 bytes, from string lengths alone (cheap). */
  maxBytes: number;
  /** Its exact UTF-8 bytes; only computed when `maxBytes` says the key might be too long. */
  bytes(): number;
}

/** `R`: the record class's instance type; keys are only built from records its rules accepted. */
export interface IndexKey<R extends object = Record<string, unknown>> {
  /** How the message names the key's fields, e.g. "envcustomerid, entityid and ieventid". */
  label: string;
  /** The record's keys of this index (an entity has one per relation). */
  keys(record: R): KeyPart[][];
}

/** A text column. A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair is 4 for 2 units). */
export function textPart(field: string, value: unknown): KeyPart {
  const text = typeof value === 'string' ? value : '';
  return { field, maxBytes: text.length * 3, bytes: () => Buffer.byteLength(text) };
}

/** Metric tags as the worker keys a series (and this check counts them): canonical JSON of the sorted [key, value] pairs, so that {a,b} and {b,a} are one series; '' for none. */
export function tagsKey(tags: Record<string, string> | undefined | null): string {
  if (!tags) return '';
  const keys = Object.keys(tags).sort();
  if (keys.length === 0) return '';
  return JSON.stringify(keys.map((k) => [k, tags[k]]));
}

/** The tags column of a metric key. JSON escapes take at most 6 bytes per unit (`\u001f`). */
export function tagsPart(field: string, tags: Record<string, string> | undefined | null): KeyPart {
  let maxBytes = 2;
  if (tags) for (const key of Object.keys(tags)) maxBytes += 8 + 6 * (key.length + String(tags[key]).length);
  return { field, maxBytes, bytes: () => Buffer.byteLength(tagsKey(tags)) };
}

const registry = new WeakMap<RecordClass, IndexKey<object>[]>();

/**
 * Class decorator: the index keys the worker builds from a record of this class, checked by
 * `validateBatch` once the field rules pass. Only keys whose field limits can add up to more than
 * `KEY_BYTES` need one. `R` is the decorated class: `@IndexKeys<EventRecord>({ … })`.
 */
export const IndexKeys =
  <R extends object>(...keys: IndexKey<R>[]) =>
  (target: RecordClass): void => {
    registry.set(target, keys);
  };

/** The error for a valid record whose index key would be too long for PostgreSQL, if any. */
export function keySizeError(
  recordClass: RecordClass,
  record: Record<string, unknown>,
  index: number,
): FieldError | undefined {
  for (const rule of registry.get(recordClass) ?? []) {
    for (const parts of rule.keys(record)) {
      let max = 0;
      for (const part of parts) max += part.maxBytes;
      if (max <= KEY_BYTES) continue;
      let total = 0;
      let largest = parts[0];
      let largestBytes = -1;
      for (const part of parts) {
        const bytes = part.bytes();
        total += bytes;
        if (bytes > largestBytes) [largest, largestBytes] = [part, bytes];
      }
      if (total > KEY_BYTES) {
        return {
          index,
          field: largest.field,
          error: `${rule.label} together must be at most ${KEY_BYTES} bytes in UTF-8 (index key limit), not ${total}`,
        };
      }
    }
  }
  return undefined;
}
