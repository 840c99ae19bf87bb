import type { Queue } from 'bullmq';

import { QueueName } from '@sluice/queue';

import type { TestGateway } from './gateway';

/** The queues of the five publish routes, in pipeline order. */
export const PUBLISH_QUEUES = [
  QueueName.Events,
  QueueName.Metrics,
  QueueName.EntityTopology,
  QueueName.ServiceTopology,
  QueueName.Healthcheck,
];

/** Job states that mean "not processed yet": retries wait as delayed. */
export const PENDING = ['wait', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/**
 * Resolves once the gateway's `queues` hold no job that is waiting, running or waiting to be
 * retried, i.e. the worker has committed (or finally failed) everything published before the
 * call. Name the queues in pipeline order (events before notifications): a job adds its follow-up
 * before it completes, so a later queue is read after the follow-up exists. Not for the
 * maintenance queue, whose repeatable jobs are always delayed.
 */
export async function drained(gw: TestGateway, ...queues: QueueName[]): Promise<void> {
  const until = Date.now() + 15_000;
  for (;;) {
    const pending: Record<string, number> = {};
    for (const name of queues) {
      const counts = await gw.queue(name).getJobCounts(...PENDING);
      const n = Object.values(counts).reduce((a, b) => a + b, 0);
      if (n > 0) pending[name] = n;
    }
    if (Object.keys(pending).length === 0) return;
    if (Date.now() > until) throw new Error(`queues not drained within 15 s: ${JSON.stringify(pending)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The ids of the publish requests whose records a queue holds, in jobs of any state: a job's own
 * request and, for a job shared by requests that arrived together, each of them (`requests`).
 */
export async function requestIdsIn(queue: Pick<Queue, 'getJobs'>): Promise<Set<string>> {
  const jobs = await queue.getJobs(['wait', 'active', 'delayed', 'prioritized', 'completed', 'failed']);
  const ids = new Set<string>();
  for (const job of jobs) {
    const data = job.data as { requestId?: string; requests?: { requestId: string }[] };
    if (data.requestId) ids.add(data.requestId);
    for (const part of data.requests ?? []) ids.add(part.requestId);
  }
  return ids;
}
