/** Spec §2.1 severities: 0 (clear) resolves an alert, 5 is the highest. */
export const Severity = { CLEAR: 0, INDETERMINATE: 1, WARNING: 2, MINOR: 3, MAJOR: 4, CRITICAL: 5 } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** Severity names of spec §2.1, indexed by their number. */
export const SEVERITY_NAMES = ['clear', 'indeterminate', 'warning', 'minor', 'major', 'critical'] as const;

/**
 * `0`..`5` as a number or a numeric string, or one of the names in any case, to 0..5;
 * anything else to `undefined`.
 */
export function parseSeverity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 5 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text.length === 1 && text >= '0' && text <= '5') return text.charCodeAt(0) - 48;
  const index = (SEVERITY_NAMES as readonly string[]).indexOf(text);
  return index >= 0 ? index : undefined;
}
