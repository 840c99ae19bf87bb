import type { Job } from 'bullmq';
import { DelayedError, UnrecoverableError } from 'bullmq';

import { isConnectionError } from '@sluice/database';

// PostgreSQL error classes that no retry can fix: the data itself is wrong (22: data exception,
// 23: integrity constraint violation, 54: program limit exceeded, e.g. a key too large for its
// index). Anything else (deadlock, serialization failure, ...) is worth retrying with backoff.
const PERMANENT_SQLSTATE_CLASSES = ['22', '23', '54'];

/**
 * A job that failed because PostgreSQL (or Redis) cannot be reached is not a failure of the job:
 * it waits for the server and runs again (see JobRunner), spending none of its attempts,
 * so that an outage of any length fails no job for good.
 */
export function isOutage(err: unknown): boolean {
  return isConnectionError(err);
}

/** Rethrows `err` so that BullMQ retries it only if a retry can succeed; the reason is kept. */
export function classifyFailure(err: unknown): never {
  const code = (err as { code?: unknown })?.code;
  if (err instanceof UnrecoverableError || isOutage(err)) throw err;
  if (typeof code === 'string' && PERMANENT_SQLSTATE_CLASSES.includes(code.slice(0, 2))) {
    throw new UnrecoverableError(`cannot be stored (SQLSTATE ${code}): ${(err as Error).message}`);
  }
  throw err;
}

/**
 * Hands a job back to the queue as it is, without counting an attempt, to run again in `delayMs`:
 * for a worker that stops while the job waits out an outage (another worker, or this one
 * restarted, takes it next), or a job that must wait its turn.
 */
export async function releaseToQueue(job: Job, token: string | undefined, delayMs = 0): Promise<never> {
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}

/** A record the worker cannot make sense of: failing it again would not help. */
export function badRecord(index: number, reason: string): UnrecoverableError {
  return new UnrecoverableError(`record ${index}: ${reason}`);
}
