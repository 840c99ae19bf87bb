import { getMetadataStorage } from 'class-validator';

import type { RecordClass } from '../validation/record-class';

const cache = new WeakMap<RecordClass, ReadonlySet<string>>();

/**
 * The fields a record class defines: every property with a class-validator decorator (each has
 * one, `@IsOptional()` at least). Read once per class from the same metadata the validator runs,
 * so the set of known fields cannot drift from the record class; whatever else a record carries
 * is stored as its `extra`.
 */
export function recordFields(recordClass: RecordClass): ReadonlySet<string> {
  let fields = cache.get(recordClass);
  if (!fields) {
    const metadatas = getMetadataStorage().getTargetValidationMetadatas(recordClass, '', false, false);
    fields = new Set(metadatas.map((m) => m.propertyName));
    cache.set(recordClass, fields);
  }
  return fields;
}
