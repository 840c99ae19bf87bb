import { Injectable } from '@nestjs/common';

import { ALL_QUEUES, JobOf, QueueJob, QueueName, QueueOf, Queues } from '@sluice/queue';

/**
 * Every queue the worker consumes: the pipeline's, whose jobs carry data that must not be lost,
 * and scheduled upkeep (a retention run that keeps failing is worth seeing too). Their failures
 * are listed and replayable; the admin route's `queue` filter takes exactly these names.
 */
// Not a user's alert actions: their user was answered 503 and may have acted again since; a replay
// would apply the action later under their name.
export const FAILED_JOB_QUEUES: readonly QueueName[] = ALL_QUEUES.filter((q) => q !== QueueName.AlertActions);

export interface FailedJobView {
  queue: QueueName;
  id: string;
  failedReason: string;
  attemptsMade: number;
  failedAt: string | null;
  receivedAt: string | null;
  records: number | null;
}

/**
 * The dead-letter view of the pipeline: jobs that failed after their last try (or at once, for
 * records that can never be stored) stay in BullMQ's failed set, bounded by the job options.
 * An admin lists them and replays one; workers are idempotent, so a replay never double counts.
 */
@Injectable()
export class FailedJobsService {
  private readonly queues: Map<QueueName, QueueOf<QueueName>>;

  // The process's Queues close after the HTTP server has (Nest's application-shutdown hook), so
  // that admin requests in flight at SIGTERM are answered.
  constructor(queues: Queues) {
    this.queues = new Map(FAILED_JOB_QUEUES.map((name) => [name, queues.get(name)]));
  }

  async list(
    queue: QueueName | undefined,
    pageNum: number,
    itemsPerPage: number,
  ): Promise<{ results: FailedJobView[]; totalCount: number }> {
    const names = queue ? [queue] : FAILED_JOB_QUEUES;
    const counts = await Promise.all(names.map((n) => this.queues.get(n)!.getFailedCount()));
    const totalCount = counts.reduce((a, b) => a + b, 0);
    // Pages run across the queues in their fixed order, newest failure first within a queue.
    let skip = (pageNum - 1) * itemsPerPage;
    const results: FailedJobView[] = [];
    for (let i = 0; i < names.length && results.length < itemsPerPage; i++) {
      if (skip >= counts[i]) {
        skip -= counts[i];
        continue;
      }
      const jobs = await this.queues.get(names[i])!.getFailed(skip, skip + itemsPerPage - results.length - 1);
      skip = 0;
      results.push(...jobs.map((job) => view(names[i], job)));
    }
    return { results, totalCount };
  }

  /** Moves a failed job back to waiting; undefined when no queue has a failed job of that id. */
  async retry(id: string): Promise<FailedJobView | undefined> {
    for (const [name, queue] of this.queues) {
      const job = await queue.getJob(id);
      if (job && (await job.isFailed())) {
        try {
          // A replay is a fresh run: it gets all its attempts (and their backoff) again.
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        } catch (err) {
          // Another replay of the same job won the race: it is no longer failed.
          if (await job.isFailed()) throw err;
          return undefined;
        }
        return view(name, job);
      }
    }
    return undefined;
  }
}

function view(queue: QueueName, job: QueueJob<QueueName>): FailedJobView {
  // A scheduled upkeep job has no data; anything else is a payload of QUEUES.
  const data: JobOf<QueueName> | undefined = job.data;
  return {
    queue,
    id: job.id!,
    failedReason: job.failedReason,
    attemptsMade: job.attemptsMade,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    receivedAt: data && 'receivedAt' in data ? data.receivedAt : null,
    records: data && 'records' in data && Array.isArray(data.records) ? data.records.length : null,
  };
}
