import type { ValidationArguments } from 'class-validator';
import { getMetadataStorage, ValidationTypes } from 'class-validator';

import type { RecordClass } from './record-class';

/** Whether a plain record passes every rule of its class. */
export type RecordCheck = (record: Record<string, unknown>) => boolean;

interface Rule {
  property: string;
  constraints: unknown[];
  validate: (value: unknown, args: ValidationArguments) => unknown;
}

/** The function of a conditional-validation metadata (its first constraint), as class-validator calls it. */
type Condition = (object: object, value: unknown) => boolean;

interface PropertyRules {
  property: string;
  /** `@IsOptional()` and the like: when one says no, the property is not validated at all. */
  conditions: Condition[];
  rules: Rule[];
}

const compiled = new WeakMap<RecordClass, RecordCheck | null>();

/**
 * The class-validator rules of a record class, read once from class-validator's metadata and run
 * as a flat loop: the same decorators and the same validate functions, in the order and with the
 * semantics of `validateSync` (conditions first, then every constraint), without rebuilding the
 * rule list and an error tree for every record. It only says yes or no; a record it refuses goes
 * through `validateSync` for the error messages. `null` for a class using anything else (nested
 * or async validation, `each`, groups), which then always goes through `validateSync`.
 */
export function compiledRules(recordClass: RecordClass): RecordCheck | null {
  let check = compiled.get(recordClass);
  if (check === undefined) {
    check = compile(recordClass);
    compiled.set(recordClass, check);
  }
  return check;
}

function compile(recordClass: RecordClass): RecordCheck | null {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(recordClass, '', false, false);
  const byProperty = new Map<string, PropertyRules>();
  for (const m of metadatas) {
    if (m.groups?.length || m.always !== undefined || m.each || m.validateIf) return null;
    let entry = byProperty.get(m.propertyName);
    if (!entry) byProperty.set(m.propertyName, (entry = { property: m.propertyName, conditions: [], rules: [] }));
    if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      entry.conditions.push(m.constraints[0] as Condition);
    } else if (m.type === ValidationTypes.CUSTOM_VALIDATION) {
      for (const constraint of storage.getTargetValidatorConstraints(m.constraintCls)) {
        if (constraint.async) return null;
        const instance = constraint.instance;
        entry.rules.push({
          property: m.propertyName,
          constraints: m.constraints,
          validate: instance.validate.bind(instance),
        });
      }
    } else {
      return null;
    }
  }
  const properties = [...byProperty.values()];
  const targetName = recordClass.name;

  return (record) => {
    for (const { property, conditions, rules } of properties) {
      const value = record[property];
      let applies = true;
      for (const condition of conditions) applies = condition(record, value) && applies;
      if (!applies) continue;
      for (const rule of rules) {
        if (!rule.validate(value, { targetName, property, object: record, value, constraints: rule.constraints }))
          return false;
      }
    }
    return true;
  };
}
