import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

import { Errors } from '@sluice/common';

import { checkJson } from './json-check';

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
  br: promisify(zlib.brotliDecompress),
};

const invalid = (error: string) => Errors.invalidPayload([{ index: 0, field: '', error }]);

/** A request's body, decoded and parsed if it is still raw (the plain Fastify routes parse it late). */
export function requestBody(req: { body: unknown }, limit: number): Promise<unknown> {
  return req.body instanceof RawBody ? parseRawBody(req.body, limit) : Promise.resolve(req.body);
}

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
    // JSON.parse itself is iterative: any depth parses; checkJson then bounds it.
    body = JSON.parse(text);
  } catch (err) {
    throw invalid(`body is not valid JSON: ${(err as Error).message}`);
  }
  // Prototype-poisoning keys and nesting are checked on every body; text PostgreSQL cannot store
  // (it would be accepted here and then fail in the worker for good, taking its whole batch with
  // it) only where it can be: NUL and unpaired surrogates arrive only as \u escapes (decoded
  // UTF-8 holds neither).
  const { errors, total } = checkJson(body, UNSTORABLE_ESCAPE.test(text));
  if (total > 0) throw Errors.invalidPayload(errors, total);
  return body;
}

const UNSTORABLE_ESCAPE = /\\u(0000|d[89a-f])/i;
