import { Processor } from '@nestjs/bullmq';
import type { EventRecord } from '@sluice/contracts';
import { PublishJob, QueueName } from '@sluice/queue';
import type { Job } from 'bullmq';
import { PipelineProcessor } from '../persistence/pipeline-processor';
import { EventWriter } from './event.writer';

@Processor(QueueName.Events)
export class EventsProcessor extends PipelineProcessor<PublishJob<EventRecord>> {
  constructor(private readonly writer: EventWriter) {
    super();
  }

  protected async handle(job: Job<PublishJob<EventRecord>>) {
    const result = await this.writer.write(job.data);
    return { stored: result.stored, duplicates: result.duplicates, alertsChanged: result.alerts.length };
  }
}
