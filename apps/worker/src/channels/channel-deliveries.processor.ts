import { Inject, Injectable } from '@nestjs/common';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import type { ChannelChangeJob, ChannelDigestJob, ChannelTestJob } from '@sluice/queue';
import { QueueJob, QueueName } from '@sluice/queue';

import { useDeliveryBackoff } from '../delivery/delivery-backoff';
import { QueueProcessor } from '../jobs/queue-processor';
import { ChannelDeliverer } from './channel-deliverer';

/** Spec §9: the channel-deliveries queue (alert changes, digests, tests), retried as ITSM calls are. */
@Injectable()
export class ChannelDeliveriesProcessor extends QueueProcessor(QueueName.ChannelDeliveries) {
  constructor(
    private readonly deliverer: ChannelDeliverer,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
  ) {
    super();
  }

  protected bootstrap(): void {
    // Exponential from NOTIFIER_RETRY_BASE_MS, or what the receiver's Retry-After asked for.
    useDeliveryBackoff(this.worker, this.config.notifierRetryBaseMs);
  }

  protected handle(job: QueueJob<QueueName.ChannelDeliveries>, token?: string): Promise<unknown> {
    const data = job.data;
    switch (data.kind) {
      case 'change':
        return this.deliverer.change(job as QueueJob<QueueName.ChannelDeliveries> & { data: ChannelChangeJob }, token);
      case 'digest':
        return this.deliverer.digest(job as QueueJob<QueueName.ChannelDeliveries> & { data: ChannelDigestJob }, token);
      case 'test':
        return this.deliverer.test(job as QueueJob<QueueName.ChannelDeliveries> & { data: ChannelTestJob });
    }
  }

  protected async failedForGood(job: QueueJob<QueueName.ChannelDeliveries>): Promise<void> {
    if (job.data.kind === 'change') await this.deliverer.changeFailed(job.data);
  }
}
