import type { WorkerOptions } from 'bullmq';

/**
 * How fast the jobs of a worker that died (kill -9, OOM, a lost host) go to another worker.
 * A running job holds a lock of `lockMs`, renewed every `lockMs / 2`; every `lockMs / 2` some
 * worker checks for active jobs whose lock is gone and puts them back in the queue. A dead
 * worker's job is therefore taken over between 0.5 and 1.5 × `lockMs` after the death: with the
 * default WORKER_LOCK_MS of 6 s, within 9 s (BullMQ's defaults, 30 s and 30 s, gave up to a
 * minute).
 *
 * The trade-off: a job whose processing blocks the worker's event loop for longer than about
 * `lockMs / 2` cannot renew its lock and may be taken over while it still runs, so that two
 * workers write it. The writers are idempotent (a job written twice stores its records once),
 * so that costs work, not data; a larger WORKER_LOCK_MS makes it rarer and recovery slower.
 * For the same reason a job may stall a few times (its worker killed again and again, e.g. by an
 * OOM it does not cause) before BullMQ fails it: BullMQ's default of one would fail a job whose
 * worker was merely restarted twice.
 */
export function workerLockOptions(
  lockMs: number,
): Pick<WorkerOptions, 'lockDuration' | 'lockRenewTime' | 'stalledInterval' | 'maxStalledCount'> {
  return { lockDuration: lockMs, lockRenewTime: lockMs / 2, stalledInterval: lockMs / 2, maxStalledCount: 3 };
}
