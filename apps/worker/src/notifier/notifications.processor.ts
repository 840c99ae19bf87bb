import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { NotificationJob, QueueName } from '@sluice/queue';
import { Job, UnrecoverableError } from 'bullmq';
import { RetryableCallError } from './itsm-http';
import { TicketNotifier } from './ticket.notifier';

/** Exponential from NOTIFIER_RETRY_BASE_MS, or what the ITSM's Retry-After asked for. */
export function itsmBackoff(attemptsMade: number, baseMs: number, err?: Error): number {
  const asked = err instanceof RetryableCallError ? err.retryAfterMs : undefined;
  return asked ?? baseMs * 2 ** Math.max(0, attemptsMade - 1);
}

@Processor(QueueName.Notifications)
export class NotificationsProcessor extends WorkerHost implements OnApplicationBootstrap {
  @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig;

  constructor(private readonly notifier: TicketNotifier) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.workerConcurrency;
    // BullMQ reads the strategy from the worker's settings each time a job fails.
    const base = this.config.notifierRetryBaseMs;
    this.worker.opts.settings = { ...this.worker.opts.settings, backoffStrategy: (n: number, _t?: string, err?: Error) => itsmBackoff(n, base, err) };
  }

  async process(job: Job<NotificationJob>): Promise<string> {
    try {
      return await this.notifier.run(job.data);
    } catch (err) {
      const final = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final) {
        await this.notifier.recordFailure(job.data, (err as Error).message);
      }
      throw err;
    }
  }
}
