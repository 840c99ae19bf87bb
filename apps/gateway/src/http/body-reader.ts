import type { Readable } from 'node:stream';

import { Errors } from '@sluice/common';

/**
 * Bytes of a too-large body that are still read (and discarded) before the 413 is sent. A server
 * that answers and closes while the client is still sending makes the client's TCP stack see a
 * reset (EPIPE, ECONNRESET) instead of the answer; reading the rest first lets the client finish
 * sending and then read the 413. Past this bound the gateway stops reading and answers at once.
 */
export const DRAIN_LIMIT = 16 * 1024 * 1024;

/**
 * Reads a request body of at most `limit` bytes. Over the limit: 413, answered once the rest has
 * been read (within DRAIN_LIMIT), or at once when Content-Length already says it is past that.
 */
export function readBody(stream: Readable, contentLengthHeader: string | undefined, limit: number): Promise<Buffer> {
  const declared = contentLengthHeader === undefined ? undefined : Number(contentLengthHeader);
  if (declared !== undefined && declared > limit + DRAIN_LIMIT) return Promise.reject(Errors.payloadTooLarge());
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let received = 0;
    const settle = (err: Error | undefined, body?: Buffer) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      if (err) reject(err);
      else resolve(body!);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limit) chunks.push(chunk);
      else chunks = [];
      if (received > limit + DRAIN_LIMIT) settle(Errors.payloadTooLarge());
    };
    const onEnd = () => {
      if (received > limit) return settle(Errors.payloadTooLarge());
      if (declared !== undefined && received !== declared) {
        return settle(
          Errors.invalidPayload([
            { index: 0, field: '', error: `body has ${received} bytes where Content-Length says ${declared}` },
          ]),
        );
      }
      settle(undefined, Buffer.concat(chunks, received));
    };
    // The client went away mid-body: nobody reads this answer, but the request must end.
    const onError = () =>
      settle(Errors.invalidPayload([{ index: 0, field: '', error: 'the body was cut off before its end' }]));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
