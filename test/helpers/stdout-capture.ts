/**
 * Captures what this process writes to stdout, for tests that assert on log lines. pino writes to
 * `process.stdout` itself when it finds `process.stdout.write` replaced (else to fd 1 directly), so
 * `start()` must run before the apps under test build their loggers.
 */
export class StdoutCapture {
  private readonly chunks: string[] = [];
  // Put back on process.stdout itself, never called apart from it: a bound copy would look replaced to pino.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- see above
  private readonly original = process.stdout.write;

  start(): void {
    const chunks = this.chunks;
    process.stdout.write = function write(chunk: string | Uint8Array, ...rest: unknown[]): boolean {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    };
  }

  stop(): void {
    process.stdout.write = this.original;
  }

  /** Everything written since `start()`. */
  text(): string {
    return this.chunks.join('');
  }
}
