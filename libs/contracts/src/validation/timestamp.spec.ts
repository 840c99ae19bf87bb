import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, parseTimestamp } from './timestamp';

const utc = (iso: string) => Date.parse(iso);

describe('parseTimestamp', () => {
  it.each([
    ['2024-05-01T12:00:00Z', '2024-05-01T12:00:00.000Z'],
    ['2024-05-01T12:00:00.123+02:00', '2024-05-01T10:00:00.123Z'],
    ['2024-05-01T12:00:00-05:30', '2024-05-01T17:30:00.000Z'],
    ['2024-05-01T12:00:00+0200', '2024-05-01T10:00:00.000Z'],
    ['2024-05-01T12:00:00+02', '2024-05-01T10:00:00.000Z'],
    ['2024-05-01T12:00:00.5Z', '2024-05-01T12:00:00.500Z'],
    ['2024-05-01T12:00:00.123456789Z', '2024-05-01T12:00:00.123Z'],
    ['2024-05-01t12:00:00z', '2024-05-01T12:00:00.000Z'],
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000Z'],
    ['2024-12-31T00:00Z', '2024-12-31T00:00:00.000Z'],
  ])('reads %p as %p', (text, iso) => {
    expect(parseTimestamp(text)).toBe(utc(iso));
  });

  it.each([
    ['2024-05-01 12:00:00', '2024-05-01T12:00:00.000Z'],
    ['2024-05-01T12:00:00', '2024-05-01T12:00:00.000Z'],
    ['2024-05-01T12:00', '2024-05-01T12:00:00.000Z'],
    ['2024-05-01 12:00:00.250', '2024-05-01T12:00:00.250Z'],
  ])('takes %p, without a zone, as UTC (%p)', (text, iso) => {
    expect(parseTimestamp(text)).toBe(utc(iso));
  });

  it('reads a space-separated time with a zone', () => {
    expect(parseTimestamp('2024-05-01 12:00:00+02:00')).toBe(utc('2024-05-01T10:00:00Z'));
  });

  it.each([
    '2024-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-00-10T00:00:00Z',
    '2024-05-00T00:00:00Z',
    '2024-05-32T00:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T12:60:00Z',
    '2024-05-01T12:00:60Z',
    '2024-05-01T12:00:00+25:00',
    '2024-05-01T12:00:00.1234567890Z',
    '2024-05-01',
    '2024-05-01T',
    '2024-5-1T12:00:00Z',
    '24-05-01T12:00:00Z',
    '2024/05/01 12:00:00',
    '2024-05-01T12:00:00ZZ',
    '2024-05-01T12:00:00 ',
    ' 2024-05-01T12:00:00Z',
    '2024-05-01T12:00:00 UTC',
    'Wed, 01 May 2024 12:00:00 GMT',
    'yesterday',
    'now',
    '',
  ])('refuses the string %p', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it.each([1714564800, 1714564800000, 0, null, undefined, true, {}, [], new Date('2024-05-01T12:00:00Z')])(
    'refuses the non-string %p',
    (value) => {
      expect(parseTimestamp(value)).toBeUndefined();
    },
  );

  it('refuses overlong text without looking at it further', () => {
    expect(parseTimestamp(`2024-05-01T12:00:00.123+02:00${' '.repeat(20)}`)).toBeUndefined();
    expect(parseTimestamp('9'.repeat(10_000))).toBeUndefined();
  });
});

describe('parseTimestamp against Date.parse', () => {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  let seed = 11;
  const random = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return Math.floor((seed / 2 ** 31) * n);
  };

  it('gives the instant Date.parse gives, for 5,000 valid date-times with every kind of zone and fraction', () => {
    const zones = [
      'Z',
      'z',
      '+00:00',
      '-00:00',
      '+05:30',
      '-11:45',
      '+14:00',
      '-0800',
      '+0130',
      '+02',
      '-23:59',
      '+23:59',
    ];
    for (let n = 0; n < 5000; n++) {
      const y = 1900 + random(300);
      const mo = 1 + random(12);
      const d = 1 + random(28);
      const time = `${pad(random(24))}:${pad(random(60))}:${pad(random(60))}`;
      const fraction = ['', '.5', '.05', '.123', '.1234', '.999999999'][random(6)];
      const zone = zones[random(zones.length)];
      const text = `${y}-${pad(mo)}-${pad(d)}T${time}${fraction}${zone}`;
      // Date.parse wants a colon in the offset.
      const reference = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(/([+-]\d{2})$/, '$1:00'));
      if (parseTimestamp(text) !== reference) throw new Error(`${text}: ${parseTimestamp(text)} != ${reference}`);
    }
  });

  it('knows the last day of every month, leap years included', () => {
    for (const y of [1900, 2000, 2023, 2024, 2100]) {
      for (let mo = 1; mo <= 12; mo++) {
        const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
        expect(parseTimestamp(`${y}-${pad(mo)}-${pad(last)}T00:00:00Z`)).toBe(Date.UTC(y, mo - 1, last));
        expect(parseTimestamp(`${y}-${pad(mo)}-${pad(last + 1)}T00:00:00Z`)).toBeUndefined();
      }
    }
  });

  it('takes a year below 100 as that year, not as 19xx', () => {
    expect(parseTimestamp('0050-01-01T00:00:00Z')).toBe(Date.parse('0050-01-01T00:00:00Z'));
  });

  it('counts days across the whole storable range, leap days of years 400 and 1600 included', () => {
    for (const text of [
      '0001-01-01T00:00:00Z',
      '0001-03-01T00:00:00Z',
      '0400-02-29T12:00:00Z',
      '1600-03-01T00:00:00Z',
      '1969-12-31T23:59:59.999Z',
      '9999-12-31T23:59:59.999Z',
    ]) {
      expect([text, parseTimestamp(text)]).toEqual([text, Date.parse(text)]);
    }
  });
});

describe('parseTimestamp: only instants PostgreSQL can store (years 0001-9999 UTC)', () => {
  it('exports the bounds as the first and last millisecond of that range', () => {
    expect(new Date(EARLIEST_TIMESTAMP).toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(new Date(LATEST_TIMESTAMP).toISOString()).toBe('9999-12-31T23:59:59.999Z');
  });

  it.each([
    // Year 0 is no PostgreSQL year (it counts 1 BC, then AD 1).
    '0000-01-01T00:00:00Z',
    '0000-02-29T12:00:00Z',
    '0000-12-31T23:59:59.999Z',
    // An offset that moves the instant before AD 1 or past 9999.
    '0001-01-01T00:30:00+01:00',
    '0001-01-01T00:00:00+00:01',
    '9999-12-31T23:00:00-02:00',
    '9999-12-31T23:59:59.999-00:01',
    '9999-12-31T12:00:00-23:59',
  ])('refuses %p', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it.each([
    ['0000-12-31T23:00:00-01:00', '0001-01-01T00:00:00.000Z'],
    ['0001-01-01T00:00:00-00:01', '0001-01-01T00:01:00.000Z'],
    ['9999-12-31T23:59:59.999+00:00', '9999-12-31T23:59:59.999Z'],
    ['9999-12-31T23:59:59.999+23:59', '9999-12-31T00:00:59.999Z'],
    ['2024-05-01T12:00:00+23:59', '2024-04-30T12:01:00.000Z'],
    ['2024-05-01T12:00:00-23:59', '2024-05-02T11:59:00.000Z'],
  ])('takes %p, whose instant is in range, as %p', (text, iso) => {
    expect(new Date(parseTimestamp(text)!).toISOString()).toBe(iso);
  });
});
