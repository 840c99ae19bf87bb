import { Injectable } from '@nestjs/common';

import { QueueJob, QueueName } from '@sluice/queue';

import { QueueProcessor } from '../jobs/queue-processor';
import { HeartbeatWriter } from './heartbeat.writer';

@Injectable()
export class HealthcheckProcessor extends QueueProcessor(QueueName.Healthcheck) {
  constructor(private readonly writer: HeartbeatWriter) {
    super();
  }

  protected handle(job: QueueJob<QueueName.Healthcheck>) {
    return this.writer.write(job.data);
  }
}
