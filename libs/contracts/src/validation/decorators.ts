import type { ValidationOptions } from 'class-validator';
import { registerDecorator } from 'class-validator';

import { parseSeverity } from './severity';
import { parseTimestamp } from './timestamp';

/** Spec §5: a customer id is 1–64 characters of `[A-Za-z0-9_.:-]`. */
export const CUSTOMER_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Limits on record fields: generous for real connectors, bounded for hostile ones. */
export const LIMITS = {
  id: 256,
  name: 1024,
  text: 65_536,
  listItems: 1000,
  mapEntries: 200,
} as const;

function define(
  name: string,
  message: string,
  test: (value: unknown) => boolean,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message, ...options },
      validator: { validate: (value: unknown) => test(value) },
    });
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const IsCustomerId = () =>
  define(
    'isCustomerId',
    '$property must be 1-64 characters of A-Z a-z 0-9 _ . : -',
    (v) => typeof v === 'string' && CUSTOMER_ID_PATTERN.test(v),
  );

/** A non-empty string of at most `max` characters. */
export const IsText = (max: number) =>
  define(
    'isText',
    `$property must be a non-empty string of at most ${max} characters`,
    (v) => typeof v === 'string' && v.length > 0 && v.length <= max,
  );

export const IsSeverity = () =>
  define(
    'isSeverity',
    '$property must be 0-5 or one of clear, indeterminate, warning, minor, major, critical',
    (v) => parseSeverity(v) !== undefined,
  );

export const IsIsoDateTime = () =>
  define(
    'isIsoDateTime',
    '$property must be an ISO-8601 date-time, e.g. 2024-05-01T12:00:00Z',
    (v) => parseTimestamp(v) !== undefined,
  );

export const IsFiniteNumber = () =>
  define('isFiniteNumber', '$property must be a finite number', (v) => typeof v === 'number' && Number.isFinite(v));

export const IsPlainObject = () =>
  define(
    'isPlainObject',
    `$property must be a JSON object of at most ${LIMITS.mapEntries} entries`,
    (v) => isPlainObject(v) && Object.keys(v).length <= LIMITS.mapEntries,
  );

export const IsStringMap = () =>
  define(
    'isStringMap',
    `$property must be an object of at most ${LIMITS.mapEntries} string values of at most ${LIMITS.name} characters`,
    (v) =>
      isPlainObject(v) &&
      Object.keys(v).length <= LIMITS.mapEntries &&
      Object.values(v).every((x) => typeof x === 'string' && x.length <= LIMITS.name),
  );

export const IsNumberMap = () =>
  define(
    'isNumberMap',
    `$property must be an object of at most ${LIMITS.mapEntries} finite numbers`,
    (v) =>
      isPlainObject(v) &&
      Object.keys(v).length <= LIMITS.mapEntries &&
      Object.values(v).every((x) => typeof x === 'number' && Number.isFinite(x)),
  );

export const IsIdList = () =>
  define(
    'isIdList',
    `$property must be an array of at most ${LIMITS.listItems} non-empty ids`,
    (v) =>
      Array.isArray(v) &&
      v.length <= LIMITS.listItems &&
      v.every((x) => typeof x === 'string' && x.length > 0 && x.length <= LIMITS.id),
  );

export const IsRelationList = () =>
  define(
    'isRelationList',
    `$property must be an array of at most ${LIMITS.listItems} objects {"targetentityid": string, "relationtype": string}`,
    (v) =>
      Array.isArray(v) &&
      v.length <= LIMITS.listItems &&
      v.every(
        (r) =>
          isPlainObject(r) &&
          typeof r.targetentityid === 'string' &&
          r.targetentityid.length > 0 &&
          r.targetentityid.length <= LIMITS.id &&
          typeof r.relationtype === 'string' &&
          r.relationtype.length > 0 &&
          r.relationtype.length <= LIMITS.id,
      ),
  );
