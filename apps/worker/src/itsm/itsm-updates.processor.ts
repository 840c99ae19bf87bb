import { Injectable } from '@nestjs/common';

import { QueueJob, QueueName } from '@sluice/queue';

import { QueueProcessor } from '../jobs/queue-processor';
import { TicketUpdateWriter } from './ticket-update.writer';

@Injectable()
export class ItsmUpdatesProcessor extends QueueProcessor(QueueName.ItsmUpdates) {
  constructor(private readonly writer: TicketUpdateWriter) {
    super();
  }

  protected async handle(job: QueueJob<QueueName.ItsmUpdates>) {
    return (await this.writer.write(job.data)) ?? { skipped: 'alert no longer exists' };
  }
}
