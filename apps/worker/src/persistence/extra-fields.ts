/**
 * The fields of a record that its kind does not define, as JSON text for a jsonb column, or
 * null when there are none: connectors may send what they have and nothing is lost.
 */
export function extraFields(record: object, known: ReadonlySet<string>): string | null {
  let extra: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(record)) {
    if (known.has(key)) continue;
    (extra ??= {})[key] = value;
  }
  return extra ? JSON.stringify(extra) : null;
}
