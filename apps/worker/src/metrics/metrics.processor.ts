import { Injectable } from '@nestjs/common';

import { QueueJob, QueueName } from '@sluice/queue';

import { QueueProcessor } from '../jobs/queue-processor';
import { MetricWriter } from './metric.writer';

@Injectable()
export class MetricsProcessor extends QueueProcessor(QueueName.Metrics) {
  constructor(private readonly writer: MetricWriter) {
    super();
  }

  protected handle(job: QueueJob<QueueName.Metrics>) {
    return this.writer.write(job.data);
  }
}
