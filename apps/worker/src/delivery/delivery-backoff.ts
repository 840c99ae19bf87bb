import type { Worker } from 'bullmq';

import { RetryableCallError } from './http-delivery';

/**
 * The retry delay of a delivery job (ITSM tickets and channel notifications): exponential from
 * `baseMs` (doubling per attempt made), or what the receiver asked for with Retry-After (or a
 * rate-limit header) on its 429 or 5xx.
 */
export function deliveryBackoff(attemptsMade: number, baseMs: number, err?: Error): number {
  const asked = err instanceof RetryableCallError ? err.retryAfterMs : undefined;
  return asked ?? baseMs * 2 ** Math.max(0, attemptsMade - 1);
}

/** BullMQ's `settings.backoffStrategy` for a delivery queue (it is called for every failed job). */
export function deliveryBackoffStrategy(baseMs: number): (attemptsMade: number, type?: string, err?: Error) => number {
  return (attemptsMade, _type, err) => deliveryBackoff(attemptsMade, baseMs, err);
}

/** Installs the delivery backoff on a delivery queue's BullMQ worker (it reads its settings at each failure). */
export function useDeliveryBackoff(worker: Worker, baseMs: number): void {
  worker.opts.settings = { ...worker.opts.settings, backoffStrategy: deliveryBackoffStrategy(baseMs) };
}
