import fc from 'fast-check';
import { Client } from 'pg';

import { parseTimestamp } from '../../libs/contracts/src/validation/timestamp';

/**
 * The publish API's date-time parser against a real PostgreSQL, over generated date-times:
 * what it accepts is exactly what the worker can store, stored as the instant it parsed, and,
 * where PostgreSQL can read the original text itself, the instant PostgreSQL reads too.
 *
 * The worker hands PostgreSQL `new Date(ms).toISOString()` as a `timestamptz[]` parameter
 * (metrics, topology, heartbeats) and `to_timestamp(ms / 1000)` with a float8 (events).
 */

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
  fraction?: string;
  separator: string;
  zone?: { sign: '+' | '-'; hours: number; minutes?: number; colon: boolean } | 'Z' | 'z';
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const text = (p: Parts) => {
  const seconds = p.second === undefined ? '' : `:${pad(p.second)}${p.fraction === undefined ? '' : `.${p.fraction}`}`;
  let zone = '';
  if (typeof p.zone === 'string') zone = p.zone;
  else if (p.zone)
    zone = `${p.zone.sign}${pad(p.zone.hours)}${p.zone.minutes === undefined ? '' : `${p.zone.colon ? ':' : ''}${pad(p.zone.minutes)}`}`;
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}${p.separator}${pad(p.hour)}:${pad(p.minute)}${seconds}${zone}`;
};

/**
 * The instant the parts name, computed with Date rather than the parser's own arithmetic, or
 * undefined when a field is out of its range (a day the month does not have, 24:00, a leap
 * second, an offset of 24 hours or more).
 */
function reference(p: Parts): number | undefined {
  const date = new Date(0);
  date.setUTCFullYear(p.year, p.month - 1, p.day);
  if (date.getUTCFullYear() !== p.year || date.getUTCMonth() !== p.month - 1 || date.getUTCDate() !== p.day)
    return undefined;
  if (p.hour > 23 || p.minute > 59 || (p.second ?? 0) > 59) return undefined;
  let offset = 0;
  if (typeof p.zone === 'object') {
    if (p.zone.hours > 23 || (p.zone.minutes ?? 0) > 59) return undefined;
    offset = (p.zone.sign === '-' ? -1 : 1) * (p.zone.hours * 60 + (p.zone.minutes ?? 0));
  }
  const ms = p.second === undefined || p.fraction === undefined ? 0 : Number(`${p.fraction}00`.slice(0, 3));
  date.setUTCHours(p.hour, p.minute - offset, p.second ?? 0, ms);
  return date.getTime();
}

// Years biased to both ends of the four-digit range, where storability changes.
const year = fc.oneof(
  fc.constantFrom(0, 1, 2, 9998, 9999),
  fc.integer({ min: 0, max: 9999 }),
  fc.integer({ min: 1900, max: 2100 }),
);
const parts: fc.Arbitrary<Parts> = fc.record(
  {
    year,
    month: fc.oneof(fc.constantFrom(1, 2, 12), fc.integer({ min: 0, max: 13 })),
    day: fc.oneof(fc.constantFrom(1, 28, 29, 30, 31), fc.integer({ min: 0, max: 32 })),
    hour: fc.oneof(fc.constantFrom(0, 23), fc.integer({ min: 0, max: 24 })),
    minute: fc.oneof(fc.constantFrom(0, 59), fc.integer({ min: 0, max: 60 })),
    second: fc.oneof(fc.constantFrom(0, 59), fc.integer({ min: 0, max: 60 })),
    fraction: fc.stringMatching(/^\d{1,9}$/),
    separator: fc.constantFrom('T', 't', ' '),
    zone: fc.oneof(
      fc.constantFrom('Z' as const, 'z' as const),
      fc.record(
        {
          sign: fc.constantFrom('+' as const, '-' as const),
          hours: fc.oneof(fc.constantFrom(0, 1, 15, 16, 23), fc.integer({ min: 0, max: 25 })),
          minutes: fc.oneof(fc.constantFrom(0, 1, 59), fc.integer({ min: 0, max: 60 })),
          colon: fc.boolean(),
        },
        { requiredKeys: ['sign', 'hours', 'colon'] },
      ),
    ),
  },
  { requiredKeys: ['year', 'month', 'day', 'hour', 'minute', 'separator'] },
);

describe('parseTimestamp against PostgreSQL', () => {
  let pg: Client;

  beforeAll(async () => {
    pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    // Only for reading texts without a zone the way the parser does (as UTC).
    await pg.query(`SET TIME ZONE 'UTC'`);
  });
  afterAll(() => pg?.end());

  /** What PostgreSQL makes of a value in the worker's parameter form: epoch ms, or undefined when it refuses it. */
  async function storedAsTimestamptz(ms: number): Promise<number | undefined> {
    try {
      const { rows } = await pg.query<{ ms: number }>(
        'SELECT (extract(epoch FROM t) * 1000)::float8 AS ms FROM unnest($1::timestamptz[]) AS t',
        [[new Date(ms).toISOString()]],
      );
      return rows[0].ms;
    } catch (err) {
      // Out-of-range dates (22008) and six-digit years read as zone displacements (22009).
      expect(['22008', '22009', '22007']).toContain((err as { code?: string }).code);
      return undefined;
    }
  }

  /** The events' form, into a millisecond column as theirs is (float8 seconds are off by some µs far from 1970). */
  async function storedByToTimestamp(ms: number): Promise<number> {
    const { rows } = await pg.query<{ ms: number }>(
      'SELECT (extract(epoch FROM to_timestamp($1::float8 / 1000)::timestamptz(3)) * 1000)::float8 AS ms',
      [ms],
    );
    return rows[0].ms;
  }

  /** Microseconds since the epoch as PostgreSQL reads the text itself, or undefined when it does not. */
  async function readByPostgres(value: string): Promise<bigint | undefined> {
    try {
      const { rows } = await pg.query<{ us: string }>(
        'SELECT (extract(epoch FROM $1::timestamptz) * 1000000)::bigint::text AS us',
        [value],
      );
      return BigInt(rows[0].us);
    } catch {
      return undefined;
    }
  }

  it('accepts a valid date-time exactly when the worker can store it, and it is stored as parsed', async () => {
    await fc.assert(
      fc.asyncProperty(parts, async (p) => {
        const value = text(p);
        const parsed = parseTimestamp(value);
        const expected = reference(p);
        if (expected === undefined) {
          expect({ value, parsed }).toEqual({ value, parsed: undefined });
          return;
        }
        const stored = await storedAsTimestamptz(expected);
        expect({ value, parsed }).toEqual({ value, parsed: stored === undefined ? undefined : expected });
        if (parsed === undefined) return;
        expect({ value, stored }).toEqual({ value, stored: parsed });
        expect({ value, events: await storedByToTimestamp(parsed) }).toEqual({ value, events: parsed });
      }),
      { numRuns: 3000 },
    );
  });

  it('reads an accepted text as PostgreSQL reads it, wherever PostgreSQL reads it at all', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(parts, async (p) => {
        const value = text(p);
        const parsed = parseTimestamp(value);
        if (parsed === undefined) return;
        const us = await readByPostgres(value);
        if (us === undefined) return; // e.g. offsets of 16 hours or more, which PostgreSQL refuses
        compared++;
        // The parser keeps milliseconds (drops further digits); PostgreSQL rounds to microseconds.
        const sinceParsed = us - BigInt(parsed) * 1000n;
        const roundsUp = p.second !== undefined && (p.fraction?.length ?? 0) > 6;
        if (sinceParsed < 0n || sinceParsed > (roundsUp ? 1000n : 999n)) {
          throw new Error(`${value}: parsed ${new Date(parsed).toISOString()}, PostgreSQL read ${us} µs`);
        }
      }),
      { numRuns: 3000 },
    );
    // Most generated texts must have been compared, else the property says little.
    expect(compared).toBeGreaterThan(1000);
  });

  it.each([
    ['0000-02-29T12:00:00Z', undefined],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ['9999-12-31T23:00:00-02:00', undefined],
    ['2024-05-01T12:00:00+23:59', '2024-04-30T12:01:00.000Z'],
  ])('%p is parsed as %p (undefined: refused) and stored as parsed', async (value, iso) => {
    const parsed = parseTimestamp(value);
    expect(parsed === undefined ? undefined : new Date(parsed).toISOString()).toBe(iso);
    if (parsed !== undefined) expect(await storedAsTimestamptz(parsed)).toBe(parsed);
  });
});
