import { ValidationPipe } from '@nestjs/common';
import { Errors, FieldError } from '@sluice/common';
import type { ValidationError } from 'class-validator';

/** DTO validation for every route: unknown fields refused, failures as 400 "Invalid payload" with each field. */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => Errors.invalidPayload(flatten(errors)),
});

// For bodies of outside systems (ITSM callbacks) that send more than Sluice reads: extra fields
// are dropped, not refused.
const lenientPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: false,
  transform: true,
  exceptionFactory: (errors) => Errors.invalidPayload(flatten(errors)),
});

/** The same validation, run by a handler itself where the contract puts it after other checks. */
export function validateBody<T extends object>(cls: new () => T, body: unknown, opts: { ignoreUnknown?: boolean } = {}): Promise<T> {
  return (opts.ignoreUnknown ? lenientPipe : validationPipe).transform(body ?? {}, { type: 'body', metatype: cls }) as Promise<T>;
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, error: Object.values(e.constraints).join('; ') }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}
