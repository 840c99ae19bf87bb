import { createHash } from 'node:crypto';

import type { FieldError } from '@sluice/common';
import { LIMITS, parseTimestamp } from '@sluice/contracts';

import { IngestBodyError } from './ingest-format';

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A body's problems, collected so that one 400 names all of them, as §2 does for a batch. */
export class BodyErrors {
  readonly list: FieldError[] = [];

  /** Always `undefined`, so that a reader can `return errors.add(…)`. */
  add(field: string, error: string, index?: number): undefined {
    this.list.push(index === undefined ? { field, error } : { index, field, error });
    return undefined;
  }

  /** Throws the IngestBodyError when anything was added. */
  check(): void {
    if (this.list.length > 0) throw new IngestBodyError(this.list);
  }
}

/** `obj[key]` when it is a non-empty string; otherwise an error for `field` (its path in the body). */
export function requireText(
  obj: Record<string, unknown>,
  key: string,
  field: string,
  errors: BodyErrors,
  index?: number,
  what = 'a non-empty string',
): string | undefined {
  const value = obj[key];
  if (typeof value === 'string' && value.length > 0) return value;
  return errors.add(field, value === undefined || value === null ? `is required: ${what}` : `must be ${what}`, index);
}

/** `obj[key]` when it is a non-empty string; absent, null or '' is `undefined`; any other value is an error. */
export function optionalText(
  obj: Record<string, unknown>,
  key: string,
  field: string,
  errors: BodyErrors,
  index?: number,
): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  return errors.add(field, 'must be a string', index);
}

/** `obj[key]` when it is a non-empty string, else `undefined`: for fields that only add information. */
export const textOrUndefined = (obj: Record<string, unknown> | undefined, key: string): string | undefined => {
  const value = obj?.[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
};

/** Unicode code points, the unit in which PagerDuty counts (and Alertmanager truncates) lengths. */
export const codePoints = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

/** The first `max` UTF-16 units, never ending in half a surrogate pair (PostgreSQL refuses one). */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** SHA-256 of a text as hex, the first `length` digits: ids that are stable across resends. */
export const hashHex = (text: string, length = 32): string =>
  createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * A foreign id as a record id: as it is when it fits LIMITS.id, else its head plus a hash of the
 * whole, so that a long id stays stable and distinct instead of failing validation (which would
 * refuse the sender's whole request, and Alertmanager and collectd never send it again).
 */
export function fitId(text: string): string {
  if (text.length <= LIMITS.id) return text;
  return `${cut(text, LIMITS.id - 17)}#${hashHex(text, 16)}`;
}

/** A display name within LIMITS.name. */
export const fitName = (text: string): string => cut(text, LIMITS.name);

const CLOSE_ARRAY = Symbol('[');
const CLOSE_OBJECT = Symbol('{');

class KeyToken {
  constructor(readonly key: string) {}
}

/**
 * SHA-256 (hex) of a JSON value in a canonical form (object keys sorted), so that a resend hashes
 * the same whatever order its sender wrote the keys in. Iterative: any depth is safe.
 */
export function jsonHash(value: unknown, length = 32): string {
  const hash = createHash('sha256');
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === CLOSE_ARRAY) hash.update('],');
    else if (v === CLOSE_OBJECT) hash.update('},');
    else if (v instanceof KeyToken) hash.update(`${JSON.stringify(v.key)}:`);
    else if (Array.isArray(v)) {
      hash.update('[');
      stack.push(CLOSE_ARRAY);
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (typeof v === 'object' && v !== null) {
      hash.update('{');
      stack.push(CLOSE_OBJECT);
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      for (let i = keys.length - 1; i >= 0; i--) stack.push(obj[keys[i]], new KeyToken(keys[i]));
    } else {
      // A scalar and its terminator; anything JSON has no text for (undefined) hashes as null.
      hash.update(`${(typeof v === 'bigint' ? `${v}n` : JSON.stringify(v)) ?? 'null'},`);
    }
  }
  return hash.digest('hex').slice(0, length);
}

/** The value when it is an ISO-8601 date-time that Sluice accepts (RFC 3339 is one), else `undefined`. */
export const isoTime = (value: unknown): string | undefined =>
  parseTimestamp(value) === undefined ? undefined : (value as string);

/**
 * The minute of arrival, for senders that give no time of their own: two identical bodies in one
 * minute are one event (a resend), in different minutes two (the alert fired again).
 */
export const arrivalMinute = (now: Date): string => `${now.toISOString().slice(0, 16)}Z`;

/**
 * The foreign fields kept as the record's extra fields: every own field of `source` except those
 * the mapping consumed (`mapped`) and those that are the record's own fields (`known`), which a
 * foreign body must not set by accident (a ServiceNow `splitby` would split alerts).
 */
export function extraFields(
  source: Record<string, unknown>,
  mapped: ReadonlySet<string>,
  known: ReadonlySet<string>,
): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    // `__proto__` cannot reach here from a request (the body check refuses it); never assign it.
    if (mapped.has(key) || known.has(key) || key === '__proto__' || source[key] === undefined) continue;
    extra[key] = source[key];
  }
  return extra;
}
