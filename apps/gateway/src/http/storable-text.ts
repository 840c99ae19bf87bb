/**
 * Text PostgreSQL cannot store: NUL in `text` ("invalid byte sequence for encoding UTF8: 0x00")
 * and an unpaired UTF-16 surrogate in `jsonb`. Refused wherever a client's text enters (bodies,
 * path and query parameters), so that it never becomes a 500 or a job that fails for good.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this refuses
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSTORABLE_ERROR = 'must not contain NUL (\\u0000) or an unpaired UTF-16 surrogate';

export const isStorable = (text: string): boolean => !UNSTORABLE.test(text);
