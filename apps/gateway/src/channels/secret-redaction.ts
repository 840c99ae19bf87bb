/**
 * Spec §9 / seed 004: a secret is answered as `****` and its last four characters, so that its
 * owner can tell which one is stored. A secret shorter than SHOW_TAIL_FROM is answered as `****`
 * alone: its last four would be too much of it.
 */
export const REDACTION = '****';
const SHOW_TAIL_FROM = 12;

export function redact(secret: string): string {
  const chars = Array.from(secret); // code points: a tail never splits a surrogate pair
  return chars.length < SHOW_TAIL_FROM ? REDACTION : REDACTION + chars.slice(-4).join('');
}

/**
 * Whether a value sent for a secret looks like a redaction (it starts with `****`): never taken as
 * a new secret. Equal to the stored secret's redaction it means "unchanged" (a GET's body sent
 * back); otherwise it is refused rather than stored as if it were the secret.
 */
export const looksRedacted = (value: string): boolean => value.startsWith(REDACTION);
