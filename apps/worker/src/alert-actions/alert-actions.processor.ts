import { Injectable } from '@nestjs/common';

import { QueueJob, QueueName } from '@sluice/queue';

import { QueueProcessor } from '../jobs/queue-processor';
import { AlertActionWriter } from './alert-action.writer';

/** Its outcome is the job's return value, which the gateway reads to answer the user. */
@Injectable()
export class AlertActionsProcessor extends QueueProcessor(QueueName.AlertActions) {
  constructor(private readonly writer: AlertActionWriter) {
    super();
  }

  protected handle(job: QueueJob<QueueName.AlertActions>) {
    return this.writer.apply(job.data);
  }
}
