export const REDACTED = '****';

/** Headers that carry no credential: everything else Sluice sends a receiver is treated as secret. */
const PLAIN_HEADERS = new Set([
  'content-type',
  'accept',
  'content-length',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
]);

/** The credential values of request headers: the whole value, and the part after a scheme ("Bearer x"). */
export function headerValues(headers: Record<string, string>): string[] {
  return Object.entries(headers)
    .filter(([name]) => !PLAIN_HEADERS.has(name.toLowerCase()))
    .flatMap(([, value]) => [value, ...(/^\S+ (\S+)$/.exec(value)?.slice(1) ?? [])]);
}

const jsonEscaped = (s: string) => JSON.stringify(s).slice(1, -1);

/**
 * A secret as it may come back in an echo: as sent, URL- or form-encoded, JSON-escaped once
 * (a JSON answer) or twice (a JSON request body quoted in a JSON answer).
 */
function spellings(secret: string): string[] {
  const encoded = [secret, encodeURIComponent(secret), new URLSearchParams({ v: secret }).toString().slice(2)];
  return encoded.flatMap((s) => [s, jsonEscaped(s), jsonEscaped(jsonEscaped(s))]);
}

/**
 * Replaces every secret Sluice sent (in any spelling above) with ****. A receiver (an ITSM, a
 * channel's API, a webhook) may echo a request in its error body, and that text is kept in the
 * alert history and the delivery records, readable by the whole tenant.
 */
export class Redactor {
  private readonly secrets: string[];
  private readonly spellings: string[];

  constructor(secrets: Iterable<string | undefined>) {
    this.secrets = [...new Set([...secrets].filter((s): s is string => !!s))];
    // Longest first: a secret that contains another is replaced whole.
    this.spellings = [...new Set(this.secrets.flatMap(spellings))].sort((a, b) => b.length - a.length);
  }

  with(more: Iterable<string | undefined>): Redactor {
    return new Redactor([...this.secrets, ...more]);
  }

  text(text: string): string {
    return this.spellings.reduce((t, s) => t.split(s).join(REDACTED), text);
  }
}

export const NO_SECRETS = new Redactor([]);
