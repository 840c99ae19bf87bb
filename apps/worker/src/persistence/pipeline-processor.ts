import { WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { DatabaseReachability } from '@sluice/database';
import type { Job } from 'bullmq';
import { classifyFailure, isOutage, releaseToQueue } from './job-failure';

// After the database answers again, a moment before the job runs again: a server that accepts
// the probe but still refuses work (starting up, out of connections) is not hammered.
const RESUME_PAUSE_MS = 500;

/**
 * What every queue processor shares: WORKER_CONCURRENCY jobs at a time; failures sorted into
 * retryable (BullMQ retries with backoff) and permanent (fails at once, reason kept on the job);
 * and outages waited out. A job that meets an unreachable PostgreSQL keeps its place and its lock
 * (renewed meanwhile) and runs again once the database answers: the writers are idempotent, so
 * running it again is safe whatever the failed run had done. While its jobs wait, a processor
 * takes no others. One that stops meanwhile hands its waiting jobs back to the queue.
 */
export abstract class PipelineProcessor<T> extends WorkerHost implements OnApplicationBootstrap {
  @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig;
  @Inject(DatabaseReachability) private readonly database: DatabaseReachability;
  private stopped?: Promise<false>;

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.workerConcurrency;
  }

  async process(job: Job<T>, token?: string): Promise<unknown> {
    for (;;) {
      try {
        return await this.handle(job);
      } catch (err) {
        if (!isOutage(err)) classifyFailure(err);
        if (!(await this.databaseBack())) return releaseToQueue(job, token);
      }
    }
  }

  /** True once the database answers; false if the worker stops first. */
  private databaseBack(): Promise<boolean> {
    if (this.worker.closing) return Promise.resolve(false);
    this.stopped ??= new Promise((resolve) => this.worker.once('closing', () => resolve(false)));
    const back = this.database.whenReachable().then(() => new Promise<true>((r) => setTimeout(() => r(true), RESUME_PAUSE_MS)));
    return Promise.race([back, this.stopped]);
  }

  protected abstract handle(job: Job<T>): Promise<unknown>;
}
