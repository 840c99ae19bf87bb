import { WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import type { Job } from 'bullmq';
import { classifyFailure } from './job-failure';

/**
 * What every queue processor shares: WORKER_CONCURRENCY jobs at a time, and failures sorted into
 * retryable (BullMQ retries with backoff) and permanent (fails at once, reason kept on the job).
 */
export abstract class PipelineProcessor<T> extends WorkerHost implements OnApplicationBootstrap {
  @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig;

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.workerConcurrency;
  }

  async process(job: Job<T>): Promise<unknown> {
    try {
      return await this.handle(job);
    } catch (err) {
      classifyFailure(err);
    }
  }

  protected abstract handle(job: Job<T>): Promise<unknown>;
}
