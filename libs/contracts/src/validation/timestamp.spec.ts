import { parseTimestamp } from './timestamp';

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
