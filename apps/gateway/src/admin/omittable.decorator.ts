import { getMetadataStorage, registerDecorator, ValidateIf, ValidationTypes } from 'class-validator';

export const NOT_NULL_MESSAGE = '$property must not be null (leave it out to keep the current value)';

/**
 * For optional fields that cannot be emptied. `@IsOptional()` lets null through as well as
 * absence, and null then reaches a NOT NULL column (a 500). Here an absent field is left as it is
 * and a null one is a 400 "<field> must not be null …" — that one message, not the field's type
 * checks as well. Put it above the field's other validators: they are registered first (decorators
 * apply bottom-up), and this one makes them skip null.
 */
export function Omittable(): PropertyDecorator {
  return (target, key) => {
    const propertyName = String(key);
    for (const m of getMetadataStorage().getTargetValidationMetadatas(target.constructor, '', true, false)) {
      if (
        m.target !== target.constructor ||
        m.propertyName !== propertyName ||
        m.type !== ValidationTypes.CUSTOM_VALIDATION
      )
        continue;
      const own = m.validateIf;
      m.validateIf = (object, value) => value !== null && (own ? own(object, value) : true);
    }
    ValidateIf((_object, value) => value !== undefined)(target, key);
    registerDecorator({
      name: 'notNull',
      target: target.constructor,
      propertyName,
      options: { message: NOT_NULL_MESSAGE },
      validator: { validate: (value: unknown) => value !== null },
    });
  };
}
