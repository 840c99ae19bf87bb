import { Global, Module } from '@nestjs/common';

import { QueuesModule } from '@sluice/queue';

import { FailedJobsService } from './failed-jobs.service';
import { QueueProducer } from './queue-producer.service';

/** The gateway's queues: one fail-fast Redis connection (QueuesModule) for enqueueing and replays. */
@Global()
@Module({
  imports: [QueuesModule.forRoot('fail-fast')],
  providers: [QueueProducer, FailedJobsService],
  exports: [QueueProducer, FailedJobsService],
})
export class QueueModule {}
