import type { FieldError } from '@sluice/common';
import { MAX_LISTED_ERRORS } from '@sluice/common';

import { isStorable, UNSTORABLE_ERROR } from './storable-text';

/**
 * How deep arrays and objects may nest in a request body, the body itself being level 1 (a
 * record of a batch is level 2). Deeper JSON overflows the stack of recursive code downstream
 * (the validation pipe's prototype-key strip, class-transformer, JSON.stringify when a job is
 * queued); no record of the contract comes near it.
 */
export const MAX_JSON_DEPTH = 64;

export interface JsonCheck {
  /** At most MAX_LISTED_ERRORS of them. */
  errors: FieldError[];
  total: number;
}

interface Frame {
  node: Record<string, unknown> | unknown[];
  /** The keys of an object; undefined for an array. */
  keys: string[] | undefined;
  next: number;
  depth: number;
  path: string;
  /** The record's own field this value is in: where a too-deep value is reported. */
  top: string;
}

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] => typeof v === 'object' && v !== null;

/**
 * One pass over a parsed body, with an explicit stack (no recursion, so any depth is safe to
 * look at): nesting over MAX_JSON_DEPTH (reported alone, the walk stops there), keys that poison
 * prototypes (`__proto__`, `constructor.prototype`), and, with `checkText`, strings and keys
 * PostgreSQL cannot store. Errors come in document order, `index` being the record's position
 * in a batch as in validation errors.
 */
export function checkJson(body: unknown, checkText: boolean): JsonCheck {
  const errors: FieldError[] = [];
  let total = 0;
  const report = (make: () => FieldError) => {
    total++;
    if (errors.length < MAX_LISTED_ERRORS) errors.push(make());
  };
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

  const records: unknown[] = Array.isArray(body) ? body : [body];
  const recordDepth = Array.isArray(body) ? 2 : 1;
  const stack: Frame[] = [];
  const enter = (
    node: Record<string, unknown> | unknown[],
    index: number,
    depth: number,
    path: string,
    top: string,
  ) => {
    if (!Array.isArray(node)) {
      if (Object.hasOwn(node, '__proto__')) {
        report(() => ({ index, field: join(path, '__proto__'), error: 'field name __proto__ is not allowed' }));
      }
      const ctor = node.constructor;
      if (Object.hasOwn(node, 'constructor') && isContainer(ctor) && Object.hasOwn(ctor, 'prototype')) {
        report(() => ({
          index,
          field: join(path, 'constructor.prototype'),
          error: 'field name prototype inside constructor is not allowed',
        }));
      }
    }
    stack.push({ node, keys: Array.isArray(node) ? undefined : Object.keys(node), next: 0, depth, path, top });
  };

  for (let index = 0; index < records.length; index++) {
    const record = records[index];
    if (!isContainer(record)) {
      if (checkText && typeof record === 'string' && !isStorable(record))
        report(() => ({ index, field: '', error: `value ${UNSTORABLE_ERROR}` }));
      continue;
    }
    enter(record, index, recordDepth, '', '');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const { node, keys } = frame;
      const i = frame.next++;
      if (i >= (keys ? keys.length : (node as unknown[]).length)) {
        stack.pop();
        continue;
      }
      const key = keys?.[i];
      const value = key === undefined ? (node as unknown[])[i] : (node as Record<string, unknown>)[key];
      const path = () => (key === undefined ? `${frame.path}[${i}]` : join(frame.path, key));
      if (checkText && key !== undefined && !isStorable(key))
        report(() => ({ index, field: path(), error: `field name ${UNSTORABLE_ERROR}` }));
      if (isContainer(value)) {
        const childPath = path();
        const top = frame.top || childPath;
        if (frame.depth + 1 > MAX_JSON_DEPTH) {
          const error = `arrays and objects nest deeper than ${MAX_JSON_DEPTH} levels: at most ${MAX_JSON_DEPTH} are allowed`;
          return { errors: [{ index, field: top, error }], total: 1 };
        }
        enter(value, index, frame.depth + 1, childPath, top);
      } else if (checkText && typeof value === 'string' && !isStorable(value)) {
        report(() => {
          const field = path();
          return { index, field, error: `${field} ${UNSTORABLE_ERROR}` };
        });
      }
    }
  }
  return { errors, total };
}
