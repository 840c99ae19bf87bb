import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';

import type { QueueJob, QueueName } from '@sluice/queue';

import { JobRunner } from './job-runner';

/**
 * The base of every processor: BullMQ's `process` goes through the JobRunner, which calls the
 * processor's `handle`. Extend `QueueProcessor(queue)`, not this class.
 */
export abstract class JobProcessor<Q extends QueueName> extends WorkerHost implements OnApplicationBootstrap {
  abstract readonly queue: Q;
  /** Jobs at a time in this process; WORKER_CONCURRENCY unless a queue's work must not overlap. */
  protected readonly concurrency?: number;
  @Inject(JobRunner) private readonly runner: JobRunner;

  /** Nest awaits the promise of a processor whose `bootstrap` returns one. */
  onApplicationBootstrap(): void | Promise<void> {
    this.runner.configure(this.worker, this.concurrency);
    return this.bootstrap();
  }

  /** A processor's own start-up, once its worker is configured. */
  protected bootstrap(): void | Promise<void> {}

  process(job: QueueJob<Q>, token?: string): Promise<unknown> {
    return this.runner.run(
      this.worker,
      job,
      token,
      (j) => this.handle(j, token),
      (j, err) => this.failedForGood(j, err),
    );
  }

  /** `token`: the job's lock, for a handler that moves its job (`moveToDelayed`). */
  protected abstract handle(job: QueueJob<Q>, token?: string): Promise<unknown>;

  /** Called once a job will not be tried again; by default nothing beyond the runner's log line. */
  protected async failedForGood(_job: QueueJob<Q>, _err: unknown): Promise<void> {}
}

/**
 * The processor of one queue: `class EventsProcessor extends QueueProcessor(QueueName.Events)`.
 * The queue is stated once; it registers the class with @nestjs/bullmq and types `handle`'s job
 * (payload and job names) from QUEUES. The subclass needs `@Injectable()` for its constructor.
 */
export function QueueProcessor<Q extends QueueName>(queue: Q) {
  @Processor(queue)
  abstract class ProcessorOfQueue extends JobProcessor<Q> {
    static readonly queue: Q = queue;
    readonly queue = queue;
  }
  return ProcessorOfQueue;
}
