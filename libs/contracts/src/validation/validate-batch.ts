import type { ValidationError } from 'class-validator';
import { validateSync } from 'class-validator';

import type { FieldError } from '@sluice/common';

import { compiledRules } from './compiled-rules';
import { keySizeError } from './key-size';

/** Spec §2: a request carries one record or 1 to 1000 of them. */
export const MAX_BATCH_RECORDS = 1000;

export type BatchResult<T> = { ok: true; records: T[] } | { ok: false; errors: FieldError[] };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a parsed body against a record class: shape of the batch first (spec §2 check 3), then
 * every record (check 4), listing each failing record and field. Records are returned as the
 * plain objects that were sent, unknown fields included (they are kept, not rejected).
 */
export function validateBatch<T extends object>(recordClass: new () => T, body: unknown): BatchResult<T> {
  const shape = checkShape(body);
  if (!Array.isArray(shape)) return { ok: false, errors: [shape] };

  const passes = compiledRules(recordClass);
  const errors: FieldError[] = [];
  for (let index = 0; index < shape.length; index++) {
    const record = shape[index];
    if (!isPlainObject(record)) {
      errors.push({ index, field: '', error: 'each record must be a JSON object' });
      continue;
    }
    // The common case, a valid record, costs one pass over the rules; a refused one gets
    // class-validator's full report below.
    // A record within its field limits may still make an index key too long for PostgreSQL.
    if (passes?.(record)) {
      const tooLong = keySizeError(recordClass, record, index);
      if (tooLong) errors.push(tooLong);
      continue;
    }
    // class-validator reads the decorators through the prototype; copying the fields onto an
    // instance is cheaper than class-transformer and leaves the record itself untouched.
    // A sent `constructor` or `__proto__` field must not reach the instance: class-validator
    // finds the rules through `instance.constructor`, so either one would skip every check.
    const instance = new recordClass() as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (key !== 'constructor' && key !== '__proto__') instance[key] = record[key];
    }
    const failures = validateSync(instance, {
      forbidUnknownValues: false,
      validationError: { target: false, value: false },
    });
    for (const failure of failures) {
      if (record[failure.property] === undefined) {
        errors.push({ index, field: failure.property, error: `${failure.property} is required` });
      } else {
        collect(failure, index, '', errors);
      }
    }
    const tooLong = failures.length === 0 ? keySizeError(recordClass, record, index) : undefined;
    if (tooLong) errors.push(tooLong);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, records: shape as T[] };
}

function checkShape(body: unknown): unknown[] | FieldError {
  if (body === undefined) {
    return { index: 0, field: '', error: 'body is empty: send a JSON object or an array of 1 to 1000 records' };
  }
  if (Array.isArray(body)) {
    const records: unknown[] = body;
    if (records.length === 0) return { index: 0, field: '', error: 'batch is empty: send 1 to 1000 records' };
    if (records.length > MAX_BATCH_RECORDS) {
      return {
        index: 0,
        field: '',
        error: `batch has ${records.length} records: send at most ${MAX_BATCH_RECORDS} per request`,
      };
    }
    return records;
  }
  if (isPlainObject(body)) return [body];
  return { index: 0, field: '', error: 'body must be a JSON object or an array of JSON objects' };
}

function collect(failure: ValidationError, index: number, prefix: string, out: FieldError[]): void {
  const field = prefix ? `${prefix}.${failure.property}` : failure.property;
  if (failure.constraints) {
    out.push({ index, field, error: Object.values(failure.constraints).join('; ') });
  }
  for (const child of failure.children ?? []) collect(child, index, field, out);
}
