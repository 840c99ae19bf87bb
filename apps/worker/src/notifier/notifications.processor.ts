import { Inject, Injectable } from '@nestjs/common';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { QueueJob, QueueName } from '@sluice/queue';

import { useDeliveryBackoff } from '../delivery/delivery-backoff';
import { QueueProcessor } from '../jobs/queue-processor';
import { TicketNotifier } from './ticket.notifier';

/** §4.1: runs the ITSM calls; a job's last failure is recorded on its alert. */
@Injectable()
export class NotificationsProcessor extends QueueProcessor(QueueName.Notifications) {
  constructor(
    private readonly notifier: TicketNotifier,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
  ) {
    super();
  }

  protected bootstrap(): void {
    // Exponential from NOTIFIER_RETRY_BASE_MS, or what the receiver's Retry-After asked for.
    useDeliveryBackoff(this.worker, this.config.notifierRetryBaseMs);
  }

  protected handle(job: QueueJob<QueueName.Notifications>): Promise<string> {
    return this.notifier.run(job.data);
  }

  protected failedForGood(job: QueueJob<QueueName.Notifications>, err: unknown): Promise<void> {
    return this.notifier.recordFailure(job.data, (err as Error).message);
  }
}
