import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';

import { SluiceLoggerModule, TelemetryModule } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig, SluiceConfigModule } from '@sluice/config';
import { DatabaseModule } from '@sluice/database';
import { QueuesModule, reportingWorkerClass, workerConnectionOptions, workerLockOptions } from '@sluice/queue';

import { AlertActionsModule } from './alert-actions/alert-actions.module';
import { ChannelsModule } from './channels/channels.module';
import { ConnectionsCheck } from './connections.check';
import { EventsModule } from './events/events.module';
import { HealthcheckModule } from './healthcheck/healthcheck.module';
import { ItsmUpdatesModule } from './itsm/itsm-updates.module';
import { JobsModule } from './jobs/jobs.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { MetricsModule } from './metrics/metrics.module';
import { NotifierModule } from './notifier/notifier.module';
import { TopologyModule } from './topology/topology.module';

/** The BullMQ workers of the processors: the configured lock timing, errors reported. */
const WORKER_CLASS = {
  provide: 'WORKER_CLASS',
  inject: [SLUICE_CONFIG],
  // Runs before @nestjs/bullmq creates the workers (in a module-init hook).
  useFactory: (config: SluiceConfig) => {
    const workerClass = reportingWorkerClass(workerLockOptions(config.workerLockMs));
    BullModule.workerClass = workerClass;
    return workerClass;
  },
};

/**
 * The worker process: no HTTP; a list of features, each a module with its processor (one per
 * queue, checked at start-up) and what the processor writes with. Consumers connect through
 * @nestjs/bullmq; jobs the worker adds (notifications, schedules) go through its one `Queues`.
 */
@Module({
  imports: [
    SluiceConfigModule,
    TelemetryModule.forApp('worker'),
    SluiceLoggerModule.forApp('worker'),
    DatabaseModule.forRoot({ startWhenUnreachable: true }),
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [SLUICE_CONFIG],
      useFactory: (config: SluiceConfig) => ({
        connection: workerConnectionOptions(config.redisUrl),
        prefix: config.queuePrefix,
      }),
    }),
    // No queues of its own: this import brings @nestjs/bullmq's explorer, which starts a BullMQ
    // worker for each processor. The queues the worker adds to come from QueuesModule.
    BullModule.registerQueue(),
    QueuesModule.forRoot('wait'),
    JobsModule,
    EventsModule,
    MetricsModule,
    TopologyModule,
    HealthcheckModule,
    ItsmUpdatesModule,
    NotifierModule,
    ChannelsModule,
    MaintenanceModule,
    AlertActionsModule,
  ],
  providers: [WORKER_CLASS, ConnectionsCheck],
})
export class WorkerModule {}
