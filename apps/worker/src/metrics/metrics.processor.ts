import { Processor } from '@nestjs/bullmq';
import type { MetricRecord } from '@sluice/contracts';
import { PublishJob, QueueName } from '@sluice/queue';
import type { Job } from 'bullmq';
import { PipelineProcessor } from '../persistence/pipeline-processor';
import { MetricWriter } from './metric.writer';

@Processor(QueueName.Metrics)
export class MetricsProcessor extends PipelineProcessor<PublishJob<MetricRecord>> {
  constructor(private readonly writer: MetricWriter) {
    super();
  }

  protected handle(job: Job<PublishJob<MetricRecord>>) {
    return this.writer.write(job.data);
  }
}
