import { Injectable } from '@nestjs/common';

import { QueueJob, QueueName } from '@sluice/queue';

import { QueueProcessor } from '../jobs/queue-processor';
import { EntityWriter } from './entity.writer';
import { ServiceWriter } from './service.writer';

@Injectable()
export class EntityTopologyProcessor extends QueueProcessor(QueueName.EntityTopology) {
  constructor(private readonly writer: EntityWriter) {
    super();
  }

  protected handle(job: QueueJob<QueueName.EntityTopology>) {
    return this.writer.write(job.data);
  }
}

@Injectable()
export class ServiceTopologyProcessor extends QueueProcessor(QueueName.ServiceTopology) {
  constructor(private readonly writer: ServiceWriter) {
    super();
  }

  protected handle(job: QueueJob<QueueName.ServiceTopology>) {
    return this.writer.write(job.data);
  }
}
