// An ISO-8601 date-time: date, `T` (or a space, as many tools write it), time with optional
// seconds and fraction, and an optional zone. A time without a zone is taken as UTC.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Milliseconds since the epoch, or `undefined` when the text is not a valid ISO-8601 date-time. */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  const match = ISO_DATE_TIME.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  if (+mo < 1 || +mo > 12 || +d < 1 || +d > 31 || +h > 23 || +mi > 59 || (s !== undefined && +s > 59)) return undefined;
  let text = value.replace(' ', 'T');
  if (!match[7]) text += 'Z';
  else if (/^[+-]\d{2}$/.test(match[7])) text += ':00';
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2024-02-30 over to March: refuse dates that do not exist.
  const check = new Date(Date.UTC(+y, +mo - 1, +d));
  return check.getUTCDate() === +d ? ms : undefined;
}
