import { Processor } from '@nestjs/bullmq';
import type { HeartbeatRecord } from '@sluice/contracts';
import { PublishJob, QueueName } from '@sluice/queue';
import type { Job } from 'bullmq';
import { PipelineProcessor } from '../persistence/pipeline-processor';
import { HeartbeatWriter } from './heartbeat.writer';

@Processor(QueueName.Healthcheck)
export class HealthcheckProcessor extends PipelineProcessor<PublishJob<HeartbeatRecord>> {
  constructor(private readonly writer: HeartbeatWriter) {
    super();
  }

  protected handle(job: Job<PublishJob<HeartbeatRecord>>) {
    return this.writer.write(job.data);
  }
}
