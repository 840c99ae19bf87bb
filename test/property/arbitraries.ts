import { gzipSync } from 'node:zlib';

import fc from 'fast-check';

import type { RecordClass } from '@sluice/contracts';
import { EntityRecord, EventRecord, keySizeError, LIMITS, MetricRecord, SEVERITY_NAMES } from '@sluice/contracts';

/*
 * fast-check arbitraries of the property suites: hostile JSON values, URL parts and headers for
 * the hostile-request suite, and valid records of every kind of spec §2 for the storage suite.
 */

// ---------------------------------------------------------------------------------------------
// JSON text the suites send as it is

/**
 * A piece of JSON text inserted verbatim into a body: what JSON.stringify cannot produce
 * (1e400, 10,000 levels of nesting, a `__proto__` key) or should not have to walk. It prints as
 * its label, so that a failure report stays readable.
 */
export class RawJson {
  constructor(
    readonly text: string,
    readonly label: string,
  ) {}

  [fc.toStringMethod](): string {
    return `raw(${this.label})`;
  }
}

const raw = (text: string, label = text) => new RawJson(text, label);

/** JSON text of a value that may hold RawJson pieces anywhere (at any depth JSON.stringify reaches). */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  const pieces: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof RawJson)) return v;
    pieces.push(v.text);
    return `\u0001raw${pieces.length - 1}\u0001`;
  });
  // JSON.stringify writes U+0001 as \u0001, which nothing generated here contains otherwise.
  return text.replace(/"\\u0001raw(\d+)\\u0001"/g, (_m, i: string) => pieces[+i]);
}

/** `depth` nested arrays or objects, built as text (no recursion anywhere, here or in JSON.stringify). */
export function deepJson(depth: number, kind: 'array' | 'object'): RawJson {
  const text =
    kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  return raw(text, `${depth} nested ${kind}s`);
}

const big = (ch: string, n: number) => raw(JSON.stringify(ch.repeat(n)), `"${ch}"×${n}`);

// ---------------------------------------------------------------------------------------------
// Hostile JSON values

/** Strings PostgreSQL cannot store or that are odd in other ways. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\udc00\ud800',
    '',
    ' ',
    '\t\r\n',
    '\u2028\u2029',
    '\u202egnp.exe',
    '\ufeff',
    '\uffff',
    '🦆💥',
    'e\u0301\u0301\u0301',
    "' OR '1'='1",
    '%00',
    '${jndi:ldap://x}',
    '../../etc/passwd',
    '1e17',
    'null',
    'x'.repeat(257),
    'é'.repeat(1025),
  );

/** Numbers at the edges, and number texts JSON.parse turns into something else (1e400 → Infinity). */
export const hostileNumber = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(1e308, -1e308, -0, 0, -1, 1.5, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 31, -(2 ** 31) - 1, 1e17),
    fc.constantFrom(
      raw('1e400'),
      raw('-1e400'),
      raw('9007199254740993'),
      raw(`1${'0'.repeat(400)}`, '1 followed by 400 zeros'),
      raw(`0.${'0'.repeat(400)}1`, '0.(400 zeros)1'),
      raw('-0.0'),
      raw('1E+2'),
    ),
  );

/** Values of every JSON type, for a field that expects another. */
export const wrongType = (): fc.Arbitrary<unknown> =>
  fc.constantFrom(null, true, false, 0, 1, '', 'x', [], [[]], [null], {}, { a: {} }, [{}], ['x'], { '0': 1 });

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', ''];

/** Objects with keys that are dangerous in JavaScript (`__proto__` must come in as text to survive). */
export const protoObject = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(
      raw('{"__proto__":{"isSuperadmin":true}}'),
      raw('{"constructor":{"prototype":{"polluted":1}}}'),
      raw('{"a":{"__proto__":[]}}'),
      raw('[{"__proto__":null}]'),
    ),
    fc.constantFrom(...PROTO_KEYS.filter((k) => k !== '__proto__')).map((k) => ({ [k]: { [k]: 1 } })),
  );

/** Very large or very deep values. */
export const hugeValue = (): fc.Arbitrary<unknown> =>
  fc.constantFrom(
    deepJson(10_000, 'array'),
    deepJson(10_000, 'object'),
    deepJson(1_000, 'array'),
    deepJson(100_000, 'array'),
    big('x', 70_000),
    big('\u00e9', 300_000),
    big('\u4e2d', 1_000_000),
    raw(`[${Array(20_000).fill('0').join(',')}]`, '20,000-element array'),
    raw(`{${Array.from({ length: 5_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`, '5,000-key object'),
  );

/** Any hostile JSON value. */
export const hostileJson = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: hostileString() },
    { weight: 2, arbitrary: hostileNumber() },
    { weight: 3, arbitrary: wrongType() },
    { weight: 1, arbitrary: protoObject() },
    { weight: 1, arbitrary: hugeValue() },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) },
  );

/** Keys of extra fields that a careless implementation trips over. */
export const hostileKey = (): fc.Arbitrary<string> =>
  fc.constantFrom(
    ...PROTO_KEYS,
    '\u0000',
    'a\u0000',
    '\ud800',
    'k'.repeat(10_000),
    '$where',
    'a.b',
    '0',
    'Severity',
    'ENVCUSTOMERID',
  );

/** A whole body that is not what any route expects. Strings are sent as they are; Buffers as bytes. */
export const hostileBodyText = (): fc.Arbitrary<string | Buffer> =>
  fc.oneof(
    fc.constantFrom(
      'null',
      'true',
      '0',
      '-0',
      '1e400',
      '""',
      '"\\u0000"',
      '"\\ud800"',
      '[]',
      '[[]]',
      '[null]',
      '{}',
      '{',
      '{"a":',
      '}{',
      '{"a":1}{"b":2}',
      'NaN',
      "{'a':1}",
      '{"a":1,}',
      '\u0000',
      '   ',
      '\ufeff{}',
      '\ufeff\ufeff{}',
      '{"\\u0000":1}',
      '{"a":"\\ud800"}',
      '{"a":"\\udc00\\ud800"}',
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{"x":1}}}',
      '{"a":1,"a":2}',
    ),
    fc.constantFrom(
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), // {"a":"<CESU surrogate>"}
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]), // overlong '/'
      Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), // UTF-16LE {}
      Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad]), // a gzip header, not labelled as such
    ),
    fc
      .constantFrom(
        ...['array', 'object'].flatMap((k) => [1_000, 10_000, 200_000].map((d) => deepJson(d, k as 'array'))),
      )
      .map((r) => r.text),
    fc.constantFrom(1001, 100_000).map((n) => `[${Array(n).fill('{}').join(',')}]`),
  );

// ---------------------------------------------------------------------------------------------
// URL parts

/** Path segments as sent on the wire (already percent-encoded where they are meant to be). */
export const hostileSegment = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      '%00',
      'a%00b',
      '%ED%A0%80',
      '%ED%B0%80',
      '%C0%AF',
      '%FF',
      '%',
      '%zz',
      '%2',
      '..',
      '.',
      '%2e%2e',
      '%2F',
      'a%2Fb',
      '%20',
      '+',
      '%0A',
      '%E2%80%AE',
      '%F0%9F%A6%86',
      'null',
      'undefined',
      '__proto__',
      'constructor',
      '-1',
      '0',
      '1e17',
      '00000000-0000-0000-0000-000000000000',
      'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
      'INTG-',
      'INTG-%00',
      "'%20OR%20'1'%3D'1",
      'a;b',
      'a=b',
    ),
    fc.constantFrom(101, 300, 5_000, 60_000).map((n) => 'a'.repeat(n)),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map(encodeURIComponentLoose),
  );

/** encodeURIComponent, except that lone surrogates are sent as the bytes of their code units. */
function encodeURIComponentLoose(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s]
      .map((c) =>
        c.length === 1 && c >= '\ud800' && c <= '\udfff'
          ? `%ED%${(0xa0 | ((c.charCodeAt(0) >> 6) & 0x1f)).toString(16)}%${(0x80 | (c.charCodeAt(0) & 0x3f)).toString(16)}`
          : encodeURIComponent(c),
      )
      .join('');
  }
}

/** Query values as sent on the wire. */
export const hostileQueryValue = (): fc.Arbitrary<string> =>
  fc.oneof(hostileSegment(), fc.constantFrom('', '%26', '%3D', 'a&b', '%23', 'a%5B%5D', '[]', '{}', '1,2'));

/** Paging parameters (seed 002: 1-based pageNum, itemsPerPage up to 500) outside their bounds. */
export const hostilePageValue = (): fc.Arbitrary<string> =>
  fc.constantFrom(
    '1e17',
    '9007199254740993',
    '1e308',
    '1e400',
    'Infinity',
    '-Infinity',
    'NaN',
    '-1',
    '0',
    '-0',
    '1.5',
    '0.5',
    'abc',
    '501',
    '500',
    '2147483648',
    '99999999999999999999999',
    '',
    '%20',
    '0x10',
    '1_000',
    '%00',
    '1%00',
  );

/** Date-time parameters: malformed, impossible, or at the edges of what PostgreSQL stores. */
export const hostileDateValue = (): fc.Arbitrary<string> =>
  fc.constantFrom(
    'now',
    '2024',
    '2024-05-01',
    '2024-13-01T00:00:00Z',
    '2024-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '0000-02-29T12:00:00Z',
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00%2B14:00',
    '9999-12-31T23:59:59-12:00',
    '99999-01-01T00:00:00Z',
    '%2B275760-09-13T00:00:00Z',
    '-000001-01-01T00:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T23:59:60Z',
    '2024-05-01T12:00:00%2B23:59',
    '2024-05-01T12:00:00-23:59',
    '2024-05-01T12:00:00%2B99:99',
    '2024-05-01T12:00:00.1234567891Z',
    '2024-05-01T12:00:00Z%00',
    '2024-05-01T12:00:00%2B02',
    '2024-05-01T12:00:00%2B0200',
    '2024-W18',
    '2024-W18-3',
    '2024-122',
    '20240501T120000Z',
    '2024-05-01T12:00:00,5Z',
    '2024-05-01%2012:00',
    '9999-12-31T23:59:59.999-23:59',
    '0001-01-01T00:00:00Z',
    '1e17',
    '-1',
    '1714564800000',
    'T',
    '%ED%A0%80',
  );

/** ISO-8601 texts at the edges, for date fields of bodies (records, `expiresAt`). */
export const edgeTimestamp = (): fc.Arbitrary<string> =>
  fc.constantFrom(
    '0000-02-29T12:00:00Z',
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00+23:59',
    '0001-01-01T00:00:00+14:00',
    '9999-12-31T23:59:59-23:59',
    '9999-12-31T23:59:59.999999999-12:00',
    '2024-05-01T12:00:00+23:59',
    '2024-05-01T12:00:00-23:59',
    '2024-05-01T12:00:00+16:00',
    '2024-05-01T12:00:00+1559',
    '2024-05-01T12:00:00+24:00',
    '2024-05-01 12:00',
    '2024-05-01t12:00:00z',
    '2024-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2024-05-01T12:00:00.1234567891Z',
    '+002024-05-01T12:00:00Z',
    '2024-05-01T12:00:00Z ',
    '2024-05-01T12:00:00\u0000Z',
  );

// ---------------------------------------------------------------------------------------------
// Headers

export interface HeaderVariant {
  /** Headers to add or override. */
  headers: Record<string, string>;
  /** How the body is turned into bytes: as it is, gzip, or replaced by garbage. */
  body?: 'gzip' | 'garbage' | 'gzip-bomb' | 'drop';
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Odd headers: content types, encodings with bodies that do not match, bogus credentials. */
export const oddHeaders = (): fc.Arbitrary<HeaderVariant> =>
  fc.oneof(
    fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'multipart/form-data',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
        'application/json; charset=%00',
        'application/octet-stream',
        '',
        ';;;',
        '*/*',
        'application/json'.repeat(200),
        'application/problem+json',
      )
      .map((ct) => ({ headers: { 'content-type': ct } })),
    fc
      .constantFrom(
        'gzip',
        'deflate',
        'br',
        'x-gzip',
        'GZIP',
        ' gzip ',
        'compress',
        'gzip, br',
        'identity',
        'zstd',
        '%00',
      )
      .map((enc): HeaderVariant => ({ headers: { 'content-encoding': enc }, body: 'garbage' })),
    fc.constantFrom<HeaderVariant>(
      { headers: { 'content-encoding': 'gzip' }, body: 'gzip' },
      { headers: { 'content-encoding': 'gzip' }, body: 'gzip-bomb' },
      { headers: { 'content-encoding': 'gzip' }, body: 'drop' },
      { headers: { 'content-encoding': 'br' }, body: 'gzip' },
    ),
    fc
      .constantFrom(
        'Bearer',
        'Bearer ',
        'Bearer x',
        'Bearer a.b.c',
        'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
        `Bearer ${'x'.repeat(10_000)}`,
        'Bearer %00',
        'bearer',
        'Basic',
        'Basic !!!',
        `Basic ${b64('no-colon')}`,
        `Basic ${b64(':')}`,
        `Basic ${b64('\u0000:\u0000')}`,
        `Basic ${b64('\ud800:x')}`,
        `Basic ${b64(`${'a'.repeat(5_000)}:${'b'.repeat(5_000)}`)}`,
        'Digest username="x", realm="y"',
        'Negotiate YIIB',
        'AWS4-HMAC-SHA256 Credential=x',
        ' ',
        'Token x',
      )
      .map((authorization) => ({ headers: { authorization } })),
    fc
      .constantFrom(
        'access_token=garbage',
        'access_token=',
        'access_token=%00',
        'access_token="x',
        `access_token=${'y'.repeat(8_000)}`,
        'refresh_token=x; refresh_token=y',
        ';;=;',
      )
      .map((cookie) => ({ headers: { cookie } })),
    fc
      .constantFrom<Record<string, string>[]>(
        { 'x-integration-token': 'garbage' },
        { 'x-integration-token': '' },
        { 'x-api-key': 'garbage' },
        { 'x-forwarded-for': 'not-an-ip, ::::, 999.1.1.1' },
        { 'x-forwarded-host': '%00' },
        { 'x-request-id': '../../x' },
        { accept: 'text/html' },
        { accept: 'application/xml;q=1, */*;q=0' },
        { 'accept-encoding': 'gzip;q=2' },
        { 'content-length': '0' },
        { expect: '100-continue' },
        { 'x-http-method-override': 'DELETE' },
      )
      .map((headers) => ({ headers })),
  );

/** The bytes a HeaderVariant says to send in place of `bodyText`. */
export function encodeBody(variant: HeaderVariant, bodyText: string | Buffer | undefined): string | Buffer | undefined {
  switch (variant.body) {
    case 'gzip':
      return gzipSync(bodyText ?? '');
    case 'garbage':
      return Buffer.from('this is not compressed at all \u0000\u00ff');
    case 'gzip-bomb':
      return GZIP_BOMB;
    case 'drop':
      return undefined;
    default:
      return bodyText;
  }
}

// 64 MiB of zeros: 65 KB compressed, far over any body limit once decoded.
const GZIP_BOMB = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });

// ---------------------------------------------------------------------------------------------
// Valid records of spec §2, with the edges a valid client may send

const NO_NUL = (s: string) => !s.includes('\u0000');

/** Unicode text of 1..max UTF-16 units (the gateway's limits count those), without NUL. */
export const text = (max: number, typical = 40): fc.Arbitrary<string> =>
  fc
    .oneof(
      { weight: 8, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.min(typical, max) }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: Math.min(typical, max) }) },
      // At the limit, in three-byte characters that do not compress: the largest a field may be.
      { weight: 1, arbitrary: cjk(max) },
    )
    .filter((s) => s.length >= 1 && s.length <= max && NO_NUL(s));

/**
 * `n` pseudo-random CJK ideographs (three bytes each in UTF-8, and incompressible enough that
 * PostgreSQL cannot shrink them below its index limits), drawn from a seed: an array arbitrary of
 * 65,536 characters would cost more to generate than the request costs to send.
 */
const cjk = (n: number) =>
  fc.integer().map((seed) => {
    let x = seed | 1;
    const codes = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      codes[i] = 0x4e00 + ((x >>> 0) % 0x5200);
    }
    let out = '';
    for (let i = 0; i < n; i += 8192) out += String.fromCharCode(...codes.slice(i, i + 8192));
    return out;
  });

const pad2 = (n: number) => String(n).padStart(2, '0');
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const MIN_INSTANT = new Date(0).setUTCFullYear(1, 0, 1); // 0001-01-01T00:00:00Z
const MAX_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Offsets in use somewhere in the world: -12:00 .. +14:00, whole, half and three-quarter hours. */
const offset = fc
  .record({
    sign: fc.constantFrom('+', '-'),
    hours: fc.integer({ min: 0, max: 14 }),
    minutes: fc.constantFrom(0, 30, 45),
    style: fc.constantFrom('colon', 'compact', 'hours'),
  })
  .filter(
    (o) =>
      (o.sign === '-' ? o.hours <= 12 : o.hours <= 14) &&
      !(o.hours === 14 && o.minutes > 0) &&
      !(o.style === 'hours' && o.minutes > 0),
  );

/**
 * An ISO-8601 date-time of years 0001..9999 as clients write them: `T` or a space, seconds and a
 * fraction of 1-9 digits or not, `Z`, an offset or no zone; leap days included. The instant it
 * names (in UTC) stays within years 0001..9999 too.
 */
export const validTimestamp = (): fc.Arbitrary<string> =>
  fc
    .record({
      year: fc.oneof(
        { weight: 1, arbitrary: fc.constantFrom(1, 9999, 1970, 2000, 2024, 1900) },
        { weight: 3, arbitrary: fc.integer({ min: 1, max: 9999 }) },
      ),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 31 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.option(fc.integer({ min: 0, max: 59 }), { nil: undefined }),
      fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
      separator: fc.constantFrom('T', 'T', 'T', 't', ' '),
      zone: fc.oneof(fc.constantFrom('Z', 'Z', 'z', ''), offset.map(formatOffset)),
    })
    .map((t) => ({ ...t, day: Math.min(t.day, t.month === 2 && leap(t.year) ? 29 : DAYS[t.month - 1]) }))
    .filter((t) => {
      const instant = instantOf(t);
      return instant >= MIN_INSTANT && instant <= MAX_INSTANT;
    })
    .map((t) => {
      const seconds =
        t.second === undefined ? '' : `:${pad2(t.second)}${t.fraction === undefined ? '' : `.${t.fraction}`}`;
      return `${String(t.year).padStart(4, '0')}-${pad2(t.month)}-${pad2(t.day)}${t.separator}${pad2(t.hour)}:${pad2(t.minute)}${seconds}${t.zone}`;
    });

function formatOffset(o: { sign: string; hours: number; minutes: number; style: string }): string {
  if (o.style === 'hours') return `${o.sign}${pad2(o.hours)}`;
  return `${o.sign}${pad2(o.hours)}${o.style === 'colon' ? ':' : ''}${pad2(o.minutes)}`;
}

function instantOf(t: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
  zone: string;
}): number {
  const d = new Date(0);
  d.setUTCFullYear(t.year, t.month - 1, t.day);
  d.setUTCHours(t.hour, t.minute, t.second ?? 0, 0);
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(t.zone);
  const offsetMinutes = m ? (m[1] === '-' ? -1 : 1) * (+m[2] * 60 + +(m[3] ?? 0)) : 0;
  return d.getTime() - offsetMinutes * 60_000;
}

/** 0..5 as a number or a digit, or a name in any case. */
export const validSeverity = (): fc.Arbitrary<number | string> =>
  fc.oneof(
    fc.integer({ min: 0, max: 5 }),
    fc.integer({ min: 0, max: 5 }).map(String),
    fc.mixedCase(fc.constantFrom(...SEVERITY_NAMES)),
  );

const KNOWN_FIELDS = new Set([
  'envcustomerid',
  'toolcustomername',
  'ieventid',
  'entity',
  'entityid',
  'parametercategory',
  'parametertype',
  'parametername',
  'parameterid',
  'severity',
  'description',
  'messages',
  'firstoccurrence',
  'lastoccurrence',
  'splitby',
  'source',
  'value',
  'unit',
  'timestamp',
  'tags',
  'entitytype',
  'attributes',
  'relations',
  'deleted',
  'serviceid',
  'service',
  'servicetype',
  'entities',
  'dependson',
  'adapterid',
  'adaptername',
  'adaptertype',
  'status',
  'interval',
  'message',
  'stats',
]);

/** A JSON value as a connector may send it: unicode, numbers at the edges, small nesting. */
const storableJson = () =>
  fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' }).filter((v) => !JSON.stringify(v).includes('\\u0000'));

/** Unknown extra fields (spec §2: kept, not refused), with keys that are legal but unusual. */
const extraFields = () =>
  fc
    .dictionary(
      fc.oneof(
        fc.string({ unit: 'grapheme', minLength: 0, maxLength: 12 }),
        fc.constantFrom('constructor', 'toString', 'hasOwnProperty', 'prototype', 'extra', 'id', 'Severity', 'a.b', ''),
      ),
      storableJson(),
      { maxKeys: 4 },
    )
    .map((extra) =>
      Object.fromEntries(Object.entries(extra).filter(([k]) => !KNOWN_FIELDS.has(k) && k !== '__proto__' && NO_NUL(k))),
    );

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

/** Field sizes: typical ones, or every field at the gateway's limit (the largest valid record). */
type Size = 'typical' | 'max';
const sized = (size: Size, max: number, typical = 40) => (size === 'max' ? cjk(max) : text(max, typical));
const key = () => fc.string({ unit: 'grapheme', maxLength: 20 }).filter(NO_NUL);

/** A map of at most LIMITS.mapEntries entries: a few typical ones, or the most the gateway takes. */
function map<T>(size: Size, value: fc.Arbitrary<T>, maxValue: fc.Arbitrary<T>): fc.Arbitrary<Record<string, T>> {
  if (size === 'typical') return fc.dictionary(key(), value, { maxKeys: 6 });
  return fc
    .array(maxValue, { minLength: LIMITS.mapEntries, maxLength: LIMITS.mapEntries })
    .map((vs) => Object.fromEntries(vs.map((v, i) => [`k${i}`, v])));
}

/** Drops the undefined entries of optional fields and merges the extra ones. */
const assemble = ({ extra, ...fields }: Record<string, unknown> & { extra: Record<string, unknown> }) =>
  Object.fromEntries(Object.entries({ ...extra, ...fields }).filter(([, v]) => v !== undefined));

export type RecordKind = 'allevents' | 'metrics' | 'entity' | 'service' | 'healthcheck';
export const RECORD_KINDS: RecordKind[] = ['allevents', 'metrics', 'entity', 'service', 'healthcheck'];

const finiteNumber = () =>
  fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER),
  );

/**
 * The record arbitraries of spec §2.1-2.5, for records of the given customers. With size `max`
 * every optional field is present and every text, list and map at the gateway's limit.
 */
export function validRecord(
  kind: RecordKind,
  customers: string[],
  size: Size = 'typical',
): fc.Arbitrary<Record<string, unknown>> {
  return recordOf(kind, customers, size).filter(parsable);
}

/**
 * Whether the gateway's JSON parser takes the record: it refuses `__proto__` keys and
 * `constructor.prototype` (prototype poisoning) at any depth, which fast-check's dictionaries
 * generate on purpose.
 */
function parsable(record: Record<string, unknown>): boolean {
  const json = JSON.stringify(record);
  return !json.includes('"__proto__"') && !/"constructor":\{[^]*"prototype"/.test(json);
}

function recordOf(kind: RecordKind, customers: string[], size: Size): fc.Arbitrary<Record<string, unknown>> {
  const envcustomerid = fc.constantFrom(...customers);
  const extra = size === 'max' ? fc.constant({}) : extraFields();
  const opt_ = <T>(arb: fc.Arbitrary<T>) => (size === 'max' ? arb : opt(arb));
  const id = () => sized(size, LIMITS.id);
  const name = () => sized(size, LIMITS.name);
  const longText = () => sized(size, LIMITS.text, 200);
  const list = <T>(arb: fc.Arbitrary<T>) =>
    size === 'max' ? fc.array(arb, { minLength: 50, maxLength: 50 }) : fc.array(arb, { maxLength: 5 });
  const attributes = () => map(size, storableJson(), cjk(100));
  switch (kind) {
    case 'allevents':
      return fc
        .record({
          envcustomerid,
          ieventid: id(),
          entity: name(),
          entityid: id(),
          parametername: name(),
          severity: validSeverity(),
          firstoccurrence: validTimestamp(),
          toolcustomername: opt_(name()),
          parametercategory: opt_(id()),
          parametertype: opt_(id()),
          parameterid: opt_(id()),
          description: opt_(longText()),
          messages: opt_(longText()),
          lastoccurrence: opt_(validTimestamp()),
          splitby: opt_(id()),
          source: opt_(name()),
          extra,
        })
        .map(assemble);
    case 'metrics':
      return fc
        .record({
          envcustomerid,
          entityid: id(),
          parametername: name(),
          value: finiteNumber(),
          timestamp: validTimestamp(),
          entity: opt_(name()),
          parametercategory: opt_(id()),
          parameterid: opt_(id()),
          unit: opt_(id()),
          tags: opt_(map(size, text(LIMITS.name, 20), cjk(LIMITS.name))),
          extra,
        })
        .map(assemble);
    case 'entity':
      return fc
        .record({
          envcustomerid,
          entityid: id(),
          entity: name(),
          entitytype: id(),
          timestamp: validTimestamp(),
          attributes: opt_(attributes()),
          relations: opt_(
            list(
              fc.record({
                targetentityid: id(),
                relationtype: fc.oneof(fc.constantFrom('runs_on', 'depends_on', 'connected_to', 'contains'), id()),
              }),
            ),
          ),
          deleted: opt_(fc.boolean()),
          extra,
        })
        .map(assemble);
    case 'service':
      return fc
        .record({
          envcustomerid,
          serviceid: id(),
          service: name(),
          entities: list(id()),
          timestamp: validTimestamp(),
          servicetype: opt_(id()),
          dependson: opt_(list(id())),
          attributes: opt_(attributes()),
          deleted: opt_(fc.boolean()),
          extra,
        })
        .map(assemble);
    case 'healthcheck':
      return fc
        .record({
          envcustomerid,
          adapterid: id(),
          adaptername: name(),
          status: fc.constantFrom('UP', 'DOWN', 'DEGRADED'),
          timestamp: validTimestamp(),
          adaptertype: opt_(id()),
          interval: opt_(fc.integer({ min: 1, max: 86_400 })),
          message: opt_(longText()),
          stats: opt_(map(size, finiteNumber(), finiteNumber())),
          extra,
        })
        .map(assemble);
  }
}

/** The fields that make two records of a kind the same row (spec §2: a repeat is a no-op or the newest wins). */
export const IDENTITY: Record<RecordKind, string[]> = {
  allevents: ['envcustomerid', 'ieventid'],
  metrics: ['envcustomerid', 'entityid', 'parameterid', 'parametername', 'tags', 'timestamp'],
  entity: ['envcustomerid', 'entityid'],
  service: ['envcustomerid', 'serviceid'],
  healthcheck: ['envcustomerid', 'adapterid'],
};

/** The field of each kind that identifies its records in the suites (made unique per record). */
export const ID_FIELD: Record<RecordKind, string> = {
  allevents: 'ieventid',
  metrics: 'entityid',
  entity: 'entityid',
  service: 'serviceid',
  healthcheck: 'adapterid',
};

/**
 * A batch of 1..max valid records (one in ten a batch of 1..2 records at the limits); a batch of
 * one is sent as a bare object half of the time.
 */
export function validBatch(
  kind: RecordKind,
  customers: string[],
  max = 50,
): fc.Arbitrary<Record<string, unknown> | Record<string, unknown>[]> {
  const records = fc.oneof(
    {
      weight: 9,
      arbitrary: fc.array(
        validRecord(kind, customers).map((r) => fitKeys(kind, r)),
        { minLength: 1, maxLength: max },
      ),
    },
    {
      weight: 1,
      arbitrary: fc.array(
        validRecord(kind, customers, 'max').map((r) => fitKeys(kind, r)),
        { minLength: 1, maxLength: 2 },
      ),
    },
  );
  return fc.tuple(records, fc.boolean()).map(([rs, bare]) => (bare && rs.length === 1 ? rs[0] : rs));
}

const KEYED: Partial<Record<RecordKind, RecordClass>> = {
  allevents: EventRecord,
  metrics: MetricRecord,
  entity: EntityRecord,
};

/**
 * Fields at their own limits can add up to more than a record's index key may hold (the gateway
 * refuses those, key-size.ts): the field the check names is halved until the key fits, so that
 * the largest valid records stay in the generated set.
 */
function fitKeys(kind: RecordKind, record: Record<string, unknown>): Record<string, unknown> {
  const cls = KEYED[kind];
  if (!cls) return record;
  const copy = structuredClone(record);
  // With room for the suffix the suites append to ID_FIELD to make records unique.
  const check = () => {
    const id = copy[ID_FIELD[kind]];
    return keySizeError(cls, { ...copy, [ID_FIELD[kind]]: `${typeof id === 'string' ? id : ''}${'x'.repeat(40)}` }, 0);
  };
  for (let error = check(); error; error = check()) {
    const path = error.field.split('.');
    let holder = copy;
    for (const step of path.slice(0, -1)) holder = holder[step] as Record<string, unknown>;
    const last = path[path.length - 1];
    const value = holder[last];
    if (typeof value === 'string' && value.length > 1) holder[last] = truncate(value, Math.ceil(value.length / 2));
    else if (value && typeof value === 'object')
      holder[last] = Object.fromEntries(Object.entries(value).slice(0, Math.floor(Object.keys(value).length / 2)));
    else break;
  }
  return copy;
}

/** `s` cut to at most `max` UTF-16 units without splitting a surrogate pair. */
export function truncate(s: string, max: number): string {
  let out = '';
  for (const ch of s) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}
