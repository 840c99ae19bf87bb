import { setTimeout as sleep } from 'node:timers/promises';

import type { Queue } from 'bullmq';

const POLL_MS = 50;

export type JobOutcome<R> = { done: R } | { failed: string } | { pending: true };

/**
 * Waits up to `waitMs` for a job the gateway queued for the worker to end, and answers how it
 * ended: its return value, its failure, or still pending. Polling keeps the gateway free of a
 * QueueEvents stream (one more Redis connection per process) for the rare requests that wait.
 */
export async function jobOutcome<R>(queue: Queue, jobId: string, waitMs: number): Promise<JobOutcome<R>> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    await sleep(POLL_MS);
    const state = await queue.getJobState(jobId);
    if (state === 'completed') {
      const job = await queue.getJob(jobId);
      if (job) return { done: job.returnvalue as R };
    }
    if (state === 'failed') return { failed: (await queue.getJob(jobId))?.failedReason ?? 'failed' };
  }
  return { pending: true };
}
