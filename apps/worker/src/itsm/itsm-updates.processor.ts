import { Processor } from '@nestjs/bullmq';
import { ItsmUpdateJob, QueueName } from '@sluice/queue';
import type { Job } from 'bullmq';
import { PipelineProcessor } from '../persistence/pipeline-processor';
import { TicketUpdateWriter } from './ticket-update.writer';

@Processor(QueueName.ItsmUpdates)
export class ItsmUpdatesProcessor extends PipelineProcessor<ItsmUpdateJob> {
  constructor(private readonly writer: TicketUpdateWriter) {
    super();
  }

  protected async handle(job: Job<ItsmUpdateJob>) {
    return (await this.writer.write(job.data)) ?? { skipped: 'alert no longer exists' };
  }
}
