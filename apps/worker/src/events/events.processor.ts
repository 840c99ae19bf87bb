import { Injectable } from '@nestjs/common';

import { QueueJob, QueueName } from '@sluice/queue';

import { QueueProcessor } from '../jobs/queue-processor';
import { EventWriter } from './event.writer';

@Injectable()
export class EventsProcessor extends QueueProcessor(QueueName.Events) {
  constructor(private readonly writer: EventWriter) {
    super();
  }

  protected async handle(job: QueueJob<QueueName.Events>) {
    const result = await this.writer.write(job.data);
    return { stored: result.stored, duplicates: result.duplicates, alertsChanged: result.alerts.length };
  }
}
