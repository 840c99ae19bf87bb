import { PassThrough } from 'node:stream';

import type { ContractError } from '@sluice/common';

import { DRAIN_LIMIT, readBody } from './body-reader';

const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (err: ContractError) => err.getStatus(),
  );

describe('readBody', () => {
  it('gives the bytes of a body within the limit', async () => {
    const stream = new PassThrough();
    const read = readBody(stream, '6', 10);
    stream.end(Buffer.from('{"a":1'));
    expect((await read).toString()).toBe('{"a":1');
  });

  it('over the limit: reads the rest to its end, then answers 413', async () => {
    const stream = new PassThrough();
    let settled = false;
    const read = status(readBody(stream, undefined, 10)).finally(() => (settled = true));
    stream.write(Buffer.alloc(1000));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false); // still reading what the client sends
    stream.end(Buffer.alloc(1000));
    expect(await read).toBe(413);
    expect(stream.readableEnded).toBe(true);
  });

  it('stops reading past DRAIN_LIMIT, and refuses such a Content-Length at once', async () => {
    const stream = new PassThrough();
    const read = status(readBody(stream, undefined, 10));
    stream.write(Buffer.alloc(DRAIN_LIMIT + 11));
    expect(await read).toBe(413);
    expect(stream.listenerCount('data')).toBe(0);
    expect(await status(readBody(new PassThrough(), String(DRAIN_LIMIT + 11), 10))).toBe(413);
  });

  it('refuses a body shorter than its Content-Length, and one cut off by an error', async () => {
    const short = new PassThrough();
    const read = readBody(short, '10', 100);
    short.end(Buffer.from('abc'));
    await expect(read).rejects.toMatchObject({
      body: { errors: [{ error: 'body has 3 bytes where Content-Length says 10' }] },
    });
    const cut = new PassThrough();
    const cutRead = status(readBody(cut, undefined, 100));
    cut.destroy(new Error('aborted'));
    expect(await cutRead).toBe(400);
  });
});
