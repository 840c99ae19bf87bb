import type { Job } from 'bullmq';
import { Queue } from 'bullmq';
import Redis from 'ioredis';

import { QueueName } from '@sluice/queue';

/** The queues whose jobs carry accepted data: a failure in one of them is data lost. */
export const DATA_QUEUES = [
  QueueName.Events,
  QueueName.Metrics,
  QueueName.EntityTopology,
  QueueName.ServiceTopology,
  QueueName.Healthcheck,
  QueueName.ItsmUpdates,
];

export interface StuckJob {
  queue: QueueName;
  id: string;
  state: 'failed' | 'retrying';
  attemptsMade: number;
  reason: string;
  /** The first record of the job, shortened, to say what could not be stored. */
  sample: string;
}

/**
 * The data queues of one Redis prefix, watched from outside the gateway and the worker: waits
 * until every queue is drained, and lists the jobs that failed (for good, or so far: a job
 * waiting for its next try after a failure is as much a finding as a dead one).
 */
export class QueueWatch {
  private readonly redis: Redis;
  private readonly queues: Map<QueueName, Queue>;

  constructor(queuePrefix: string, names: QueueName[] = DATA_QUEUES) {
    this.redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    this.queues = new Map(names.map((n) => [n, new Queue(n, { connection: this.redis, prefix: queuePrefix })]));
  }

  /** Jobs waiting or running, per queue (delayed jobs that have not failed yet included). */
  async pending(): Promise<number> {
    let n = 0;
    for (const queue of this.queues.values()) {
      const c = await queue.getJobCounts('wait', 'active', 'prioritized', 'waiting-children');
      const delayed = await queue.getDelayed();
      n +=
        c.wait + c.active + c.prioritized + c['waiting-children'] + delayed.filter((j) => j.attemptsMade === 0).length;
    }
    return n;
  }

  /**
   * Waits until nothing is waiting or running in any of the queues; then answers every failed or
   * retrying job. Throws when the queues do not drain within `ms`.
   */
  async drained(ms = 30_000): Promise<StuckJob[]> {
    const until = Date.now() + ms;
    for (;;) {
      const pending = await this.pending();
      if (pending === 0) return this.stuck();
      if (Date.now() > until) throw new Error(`queues not drained within ${ms} ms: ${pending} jobs pending`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Failed jobs, and delayed ones that failed at least once. */
  async stuck(): Promise<StuckJob[]> {
    const out: StuckJob[] = [];
    for (const [name, queue] of this.queues) {
      const failed = await queue.getFailed(0, 99);
      const retrying = (await queue.getDelayed(0, 999)).filter((j) => j.attemptsMade > 0);
      out.push(
        ...failed.map((j) => describe(name, j, 'failed')),
        ...retrying.map((j) => describe(name, j, 'retrying')),
      );
    }
    return out;
  }

  async failedCount(): Promise<number> {
    let n = 0;
    for (const queue of this.queues.values()) n += await queue.getFailedCount();
    return n;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.redis.disconnect();
  }
}

/** One line per distinct failure (sizes and record numbers blurred), with how often and one record it held. */
export function summarize(stuck: StuckJob[]): string[] {
  const groups = new Map<string, { n: number; sample: string }>();
  for (const j of stuck) {
    const key = `${j.queue} ${j.state}: ${j.reason.replace(/(row size|requires|record) \d+/g, '$1 N')}`;
    const g = groups.get(key) ?? { n: 0, sample: j.sample };
    g.n++;
    groups.set(key, g);
  }
  return [...groups].map(([key, g]) => `${g.n} × ${key}\n    e.g. ${g.sample}`);
}

function describe(queue: QueueName, job: Job, state: StuckJob['state']): StuckJob {
  const records = (job.data as { records?: unknown[] })?.records;
  const first = JSON.stringify(Array.isArray(records) ? records[0] : job.data) ?? '';
  return {
    queue,
    id: job.id!,
    state,
    attemptsMade: job.attemptsMade,
    reason: job.failedReason,
    sample: first.length > 300 ? `${first.slice(0, 300)}…(${first.length} chars)` : first,
  };
}
