import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { SluiceLoggerModule } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig, SluiceConfigModule } from '@sluice/config';
import { DatabaseModule } from '@sluice/database';
import {
  DEFAULT_JOB_OPTIONS,
  QueueName,
  ReportingQueue,
  reportingWorkerClass,
  workerConnectionOptions,
  workerLockOptions,
} from '@sluice/queue';
import { AlertWriter } from './alerts/alert.writer';
import { ConnectionsCheck } from './connections.check';
import { EventWriter } from './events/event.writer';
import { EventsProcessor } from './events/events.processor';
import { HealthcheckProcessor } from './healthcheck/healthcheck.processor';
import { HeartbeatWriter } from './healthcheck/heartbeat.writer';
import { ItsmUpdatesProcessor } from './itsm/itsm-updates.processor';
import { TicketUpdateWriter } from './itsm/ticket-update.writer';
import { AlertNotifications } from './notifier/alert-notifications.service';
import { NotificationsProcessor } from './notifier/notifications.processor';
import { NotifierAuth } from './notifier/notifier-auth.service';
import { NotifierConfig } from './notifier/notifier-config.service';
import { TicketNotifier } from './notifier/ticket.notifier';
import { MaintenanceProcessor } from './maintenance/maintenance.processor';
import { Retention } from './maintenance/retention.service';
import { StaleAdapters } from './maintenance/stale-adapters.service';
import { MetricWriter } from './metrics/metric.writer';
import { MetricsProcessor } from './metrics/metrics.processor';
import { EntityWriter } from './topology/entity.writer';
import { ServiceWriter } from './topology/service.writer';
import { EntityTopologyProcessor, ServiceTopologyProcessor } from './topology/topology.processors';

// The queues @nestjs/bullmq creates report their Redis errors (libs/queue/src/redis-connection.ts);
// set before `registerQueue` below reads it.
BullModule.queueClass = ReportingQueue;

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

/** The worker process: no HTTP; one processor per queue, each persisting its jobs to PostgreSQL. */
@Module({
  imports: [
    SluiceConfigModule,
    SluiceLoggerModule.forApp('worker'),
    DatabaseModule.forRoot({ startWhenUnreachable: true }),
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [SLUICE_CONFIG],
      useFactory: (config: SluiceConfig) => ({
        connection: workerConnectionOptions(config.redisUrl),
        prefix: config.redisPrefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    BullModule.registerQueue({ name: QueueName.Maintenance }, { name: QueueName.Notifications }),
  ],
  providers: [
    WORKER_CLASS,
    ConnectionsCheck,
    AlertWriter,
    AlertNotifications,
    NotifierConfig,
    NotifierAuth,
    TicketNotifier,
    NotificationsProcessor,
    EventWriter,
    EventsProcessor,
    MetricWriter,
    MetricsProcessor,
    EntityWriter,
    ServiceWriter,
    EntityTopologyProcessor,
    ServiceTopologyProcessor,
    HeartbeatWriter,
    HealthcheckProcessor,
    TicketUpdateWriter,
    ItsmUpdatesProcessor,
    StaleAdapters,
    Retention,
    MaintenanceProcessor,
  ],
})
export class WorkerModule {}
