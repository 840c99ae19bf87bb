import { UnrecoverableError } from 'bullmq';

// PostgreSQL error classes that no retry can fix: the data itself is wrong (22: data exception,
// 23: integrity constraint violation, 54: program limit exceeded, e.g. a key too large for its
// index). Anything else (connection lost, server restarting, deadlock, serialization failure)
// is worth retrying with backoff.
const PERMANENT_SQLSTATE_CLASSES = ['22', '23', '54'];

/** Rethrows `err` so that BullMQ retries it only if a retry can succeed; the reason is kept. */
export function classifyFailure(err: unknown): never {
  const code = (err as { code?: unknown })?.code;
  if (err instanceof UnrecoverableError) throw err;
  if (typeof code === 'string' && PERMANENT_SQLSTATE_CLASSES.includes(code.slice(0, 2))) {
    throw new UnrecoverableError(`cannot be stored (SQLSTATE ${code}): ${(err as Error).message}`);
  }
  throw err;
}

/** A record the worker cannot make sense of: failing it again would not help. */
export function badRecord(index: number, reason: string): UnrecoverableError {
  return new UnrecoverableError(`record ${index}: ${reason}`);
}
