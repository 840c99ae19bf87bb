import { Processor } from '@nestjs/bullmq';
import type { EntityRecord, ServiceRecord } from '@sluice/contracts';
import { PublishJob, QueueName } from '@sluice/queue';
import type { Job } from 'bullmq';
import { PipelineProcessor } from '../persistence/pipeline-processor';
import { EntityWriter } from './entity.writer';
import { ServiceWriter } from './service.writer';

@Processor(QueueName.EntityTopology)
export class EntityTopologyProcessor extends PipelineProcessor<PublishJob<EntityRecord>> {
  constructor(private readonly writer: EntityWriter) {
    super();
  }

  protected handle(job: Job<PublishJob<EntityRecord>>) {
    return this.writer.write(job.data);
  }
}

@Processor(QueueName.ServiceTopology)
export class ServiceTopologyProcessor extends PipelineProcessor<PublishJob<ServiceRecord>> {
  constructor(private readonly writer: ServiceWriter) {
    super();
  }

  protected handle(job: Job<PublishJob<ServiceRecord>>) {
    return this.writer.write(job.data);
  }
}
