import type { ArgumentMetadata, ValidationPipeOptions } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

import type { FieldError } from '@sluice/common';
import { Errors, MAX_LISTED_ERRORS } from '@sluice/common';

/**
 * A DTO body must be a JSON object: an array (or a string, a number) would otherwise be read
 * element by element and answered with one "property N should not exist" per element.
 */
class ObjectBodyPipe extends ValidationPipe {
  constructor(options: ValidationPipeOptions) {
    super(options);
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata) && value !== undefined) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
        return Promise.reject(Errors.invalidPayload([{ field: '', error: `body must be a JSON object, not ${got}` }]));
      }
    }
    return super.transform(value, metadata);
  }
}

/** DTO validation for every route: unknown fields refused, failures as 400 "Invalid payload" with each field. */
export const validationPipe = new ObjectBodyPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: invalid,
});

// For bodies of outside systems (ITSM callbacks) that send more than Sluice reads: extra fields
// are dropped, not refused.
const lenientPipe = new ObjectBodyPipe({
  whitelist: true,
  forbidNonWhitelisted: false,
  transform: true,
  exceptionFactory: invalid,
});

/** The same validation, run by a handler itself where the contract puts it after other checks. */
export function validateBody<T extends object>(
  cls: new () => T,
  body: unknown,
  opts: { ignoreUnknown?: boolean } = {},
): Promise<T> {
  return (opts.ignoreUnknown ? lenientPipe : validationPipe).transform(body ?? {}, {
    type: 'body',
    metatype: cls,
  }) as Promise<T>;
}

function invalid(errors: ValidationError[]) {
  const { listed, total } = flatten(errors);
  return Errors.invalidPayload(listed, total);
}

/**
 * class-validator's error tree as one list of fields, in the tree's order: every failure is
 * counted, only the first MAX_LISTED_ERRORS become entries.
 */
function flatten(errors: ValidationError[]): { listed: FieldError[]; total: number } {
  const listed: FieldError[] = [];
  let total = 0;
  const stack = errors.map((error) => ({ error, prefix: '' })).reverse();
  while (stack.length > 0) {
    const { error, prefix } = stack.pop()!;
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      total++;
      if (listed.length < MAX_LISTED_ERRORS) listed.push({ field, error: Object.values(error.constraints).join('; ') });
    }
    const children = error.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push({ error: children[i], prefix: field });
  }
  return { listed, total };
}
