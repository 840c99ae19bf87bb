import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PinoLogger } from 'nestjs-pino';

import { JOB_LOGGER, JobRunner } from './job-runner';
import { ProcessorsCheck } from './processors.check';

/** The job runtime every feature's processor uses: the JobRunner and the start-up check. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    JobRunner,
    ProcessorsCheck,
    {
      provide: JOB_LOGGER,
      inject: [PinoLogger],
      useFactory: (pino: PinoLogger) => pino.logger.child({ context: 'Job' }),
    },
  ],
  exports: [JobRunner],
})
export class JobsModule {}
