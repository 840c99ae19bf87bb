import { Inject, Injectable } from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { DatabaseReachability, errorSummary } from '@sluice/database';

import { JobMetrics } from '../telemetry/job-metrics';
import { classifyFailure, isOutage, releaseToQueue } from './job-failure';

/** The pino logger of the job log lines (a child of the process's logger). */
export const JOB_LOGGER = Symbol('JOB_LOGGER');
export type JobLogger = Pick<Logger, 'isLevelEnabled' | 'info' | 'warn' | 'error'>;

export type JobOutcome = 'completed' | 'failed-retry' | 'failed-permanent' | 'released';

// Completed and released jobs at info: one line per job is the worker's counterpart of the
// gateway's request line (also info), and LOG_LEVEL=warn keeps only the failures.
const LEVEL = { completed: 'info', released: 'info', 'failed-retry': 'warn', 'failed-permanent': 'error' } as const;
const MESSAGE = {
  completed: 'job completed',
  released: 'job released to the queue',
  'failed-retry': 'job failed, will retry',
  'failed-permanent': 'job failed for good',
} as const;

// After the database answers again, a moment before the job runs again: a server that accepts
// the probe but still refuses work (starting up, out of connections) is not hammered.
const RESUME_PAUSE_MS = 500;

/** How a job that threw ends: handed back, retried by BullMQ, or failed for good. */
export function outcomeOf(job: Job, err: unknown): Exclude<JobOutcome, 'completed'> {
  if (err instanceof DelayedError) return 'released';
  if (err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) return 'failed-permanent';
  return 'failed-retry';
}

/**
 * What every queue processor shares: WORKER_CONCURRENCY jobs at a time; failures sorted into
 * retryable (BullMQ retries with backoff) and permanent (fails at once, reason kept on the job);
 * outages waited out; and one log line per job. A job that meets an unreachable PostgreSQL keeps
 * its place and its lock (renewed meanwhile) and runs again once the database answers: handlers
 * are idempotent, so running one again is safe whatever the failed run had done. While its jobs
 * wait, a worker takes no others; one that stops meanwhile hands its waiting jobs back to the queue.
 */
@Injectable()
export class JobRunner {
  private readonly stopped = new WeakMap<Worker, Promise<false>>();

  constructor(
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
    private readonly database: DatabaseReachability,
    @Inject(JOB_LOGGER) private readonly logger: JobLogger,
  ) {}

  configure(worker: Worker, concurrency = this.config.workerConcurrency): void {
    worker.concurrency = concurrency;
  }

  /**
   * Runs `handle` for `job`. `failedForGood` is called (after the log line) when the job will not
   * be tried again, for a handler that records the failure where users see it.
   */
  async run<J extends Job>(
    worker: Worker,
    job: J,
    token: string | undefined,
    handle: (job: J) => Promise<unknown>,
    failedForGood?: (job: J, err: unknown) => Promise<void>,
  ): Promise<unknown> {
    const started = performance.now();
    try {
      const result = await this.untilDone(worker, job, token, handle);
      this.report(job, started, 'completed');
      return result;
    } catch (err) {
      const outcome = outcomeOf(job, err);
      this.report(job, started, outcome, err);
      if (outcome === 'failed-permanent') await failedForGood?.(job, err);
      throw err;
    }
  }

  private async untilDone<J extends Job>(
    worker: Worker,
    job: J,
    token: string | undefined,
    handle: (job: J) => Promise<unknown>,
  ): Promise<unknown> {
    for (;;) {
      try {
        return await handle(job);
      } catch (err) {
        if (!isOutage(err)) classifyFailure(err);
        if (!(await this.databaseBack(worker))) return releaseToQueue(job, token);
      }
    }
  }

  /** True once the database answers; false if the worker stops first. */
  private databaseBack(worker: Worker): Promise<boolean> {
    if (worker.closing) return Promise.resolve(false);
    let stopped = this.stopped.get(worker);
    if (!stopped) {
      stopped = new Promise((resolve) => worker.once('closing', () => resolve(false)));
      this.stopped.set(worker, stopped);
    }
    const pause = () => new Promise<true>((resolve) => setTimeout(() => resolve(true), RESUME_PAUSE_MS));
    return Promise.race([this.database.whenReachable().then(pause), stopped]);
  }

  /** The job's log line and its figures (telemetry/job-metrics.ts). */
  private report(job: Job, started: number, outcome: JobOutcome, err?: unknown): void {
    JobMetrics.observe(job, started, outcome, performance.now());
    const level = LEVEL[outcome];
    if (!this.logger.isLevelEnabled(level)) return;
    const requestId = (job.data as { requestId?: unknown } | undefined)?.requestId;
    this.logger[level](
      {
        queue: job.queueName,
        jobId: job.id,
        jobName: job.name,
        requestId: typeof requestId === 'string' ? requestId : undefined,
        attempt: job.attemptsMade + 1,
        ms: Math.round(performance.now() - started),
        outcome,
        error: err === undefined ? undefined : errorSummary(err),
      },
      MESSAGE[outcome],
    );
  }
}
