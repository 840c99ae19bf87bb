import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { Errors, FieldError } from '@sluice/common';
import sjson from 'secure-json-parse';

/**
 * A request body as received: bytes plus their Content-Encoding. Fastify only reads it (within
 * BODY_LIMIT); decoding and JSON parsing wait until authentication has run (see
 * json-body.interceptor.ts), so that the contract's order of checks holds: a bad token is a 401
 * even when the body is garbage too.
 */
export class RawBody {
  constructor(
    readonly bytes: Buffer,
    readonly encoding: string | undefined,
  ) {}
}

const DECODERS: Record<string, (buf: Buffer, opts: zlib.ZlibOptions) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress) as (buf: Buffer, opts: zlib.ZlibOptions) => Promise<Buffer>,
};

const invalid = (error: string) => Errors.invalidPayload([{ index: 0, field: '', error }]);

/** Decodes and parses a raw body: `undefined` when empty; 400 or 413 with what to fix otherwise. */
export async function parseRawBody(raw: RawBody, limit: number): Promise<unknown> {
  let bytes = raw.bytes;
  const encoding = raw.encoding?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    const decode = DECODERS[encoding];
    if (!decode) throw invalid(`Content-Encoding '${encoding}' is not supported: send gzip, deflate, br or none`);
    try {
      // maxOutputLength bounds what a small compressed body may expand to (a "zip bomb").
      bytes = await decode(bytes, { maxOutputLength: limit });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw Errors.payloadTooLarge();
      throw invalid(`body is not valid ${encoding} data`);
    }
  }
  if (bytes.length === 0) return undefined;
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim().length === 0) return undefined;
  let body: unknown;
  try {
    // secure-json-parse refuses __proto__ and constructor.prototype keys (prototype poisoning).
    body = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    throw invalid(`body is not valid JSON: ${(err as Error).message}`);
  }
  // PostgreSQL stores neither NUL in text nor an unpaired surrogate in jsonb: such a body would be
  // accepted here and then fail in the worker for good, taking its whole batch with it. Both can
  // only arrive as \u escapes (decoded UTF-8 holds neither), so only such bodies are walked.
  if (UNSTORABLE_ESCAPE.test(text)) {
    const errors: FieldError[] = [];
    if (Array.isArray(body)) body.forEach((record, index) => findUnstorable(record, index, '', errors));
    else findUnstorable(body, 0, '', errors);
    if (errors.length > 0) throw Errors.invalidPayload(errors);
  }
  return body;
}

const UNSTORABLE_ESCAPE = /\\u(0000|d[89a-f])/i;
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ERROR = 'must not contain NUL (\\u0000) or an unpaired UTF-16 surrogate';

function findUnstorable(value: unknown, index: number, field: string, out: FieldError[]): void {
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value)) out.push({ index, field, error: `${field || 'value'} ${UNSTORABLE_ERROR}` });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => findUnstorable(item, index, `${field}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const path = field ? `${field}.${key}` : key;
      if (UNSTORABLE.test(key)) out.push({ index, field: path, error: `field name ${UNSTORABLE_ERROR}` });
      findUnstorable(item, index, path, out);
    }
  }
}
