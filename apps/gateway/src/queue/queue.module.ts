import { Global, Module } from '@nestjs/common';
import { FailedJobsService } from './failed-jobs.service';
import { QueueProducer } from './queue-producer.service';

@Global()
@Module({ providers: [QueueProducer, FailedJobsService], exports: [QueueProducer, FailedJobsService] })
export class QueueModule {}
