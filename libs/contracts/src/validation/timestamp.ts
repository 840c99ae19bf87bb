// An ISO-8601 date-time: date, `T` (or a space, as many tools write it), time with optional
// seconds and fraction, and an optional zone. A time without a zone is taken as UTC.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const DAY_MS = 86_400_000;

/** 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the instants parseTimestamp accepts. */
export const EARLIEST_TIMESTAMP = daysFromCivil(1, 1, 1) * DAY_MS;
export const LATEST_TIMESTAMP = daysFromCivil(10_000, 1, 1) * DAY_MS - 1;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

/**
 * Milliseconds since the epoch, or `undefined` when the text is not a valid ISO-8601 date-time
 * (a day that does not exist, such as 2024-02-30, included) or names an instant outside
 * 0001-01-01T00:00:00.000Z .. 9999-12-31T23:59:59.999Z. Computed from the fields rather than by
 * Date.parse: it runs twice per event on the publish path.
 *
 * The range is what the worker can store: it hands PostgreSQL the instant as
 * `Date#toISOString()`, which PostgreSQL refuses for year 0 (it has no year 0, and reads
 * 0000 as out of range) and for the six-digit `+010000-…` / `-000001-…` forms of years past
 * 9999 or before 0. An offset can move a four-digit local time across either bound
 * (`0001-01-01T00:30+01:00`, `9999-12-31T23:00-02:00`), so the check is on the instant.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  const match = ISO_DATE_TIME.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const y = +year;
  const mo = +month;
  const d = +day;
  const h = +hour;
  const mi = +minute;
  const s = second === undefined ? 0 : +second;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  if (d > (mo === 2 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[mo - 1])) return undefined;
  // Milliseconds: digits past the third are dropped, as Date.parse does.
  const ms = fraction === undefined ? 0 : +`${fraction}00`.slice(0, 3);

  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const zoneHours = +zone.slice(1, 3);
    const zoneMinutes = zone.length > 3 ? +zone.slice(-2) : 0;
    if (zoneHours > 23 || zoneMinutes > 59) return undefined;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  }
  const instant = daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi - offsetMinutes) * 60 + s) * 1000 + ms;
  return instant >= EARLIEST_TIMESTAMP && instant <= LATEST_TIMESTAMP ? instant : undefined;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil), any year. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
