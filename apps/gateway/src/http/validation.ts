import { ValidationPipe } from '@nestjs/common';
import { Errors, FieldError, MAX_LISTED_ERRORS } from '@sluice/common';
import type { ValidationError } from 'class-validator';

/** DTO validation for every route: unknown fields refused, failures as 400 "Invalid payload" with each field. */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: invalid,
});

// For bodies of outside systems (ITSM callbacks) that send more than Sluice reads: extra fields
// are dropped, not refused.
const lenientPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: false,
  transform: true,
  exceptionFactory: invalid,
});

/** The same validation, run by a handler itself where the contract puts it after other checks. */
export function validateBody<T extends object>(cls: new () => T, body: unknown, opts: { ignoreUnknown?: boolean } = {}): Promise<T> {
  return (opts.ignoreUnknown ? lenientPipe : validationPipe).transform(body ?? {}, { type: 'body', metatype: cls }) as Promise<T>;
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
