import { Module } from '@nestjs/common';

import { AlertsModule } from '../alerts/alerts.module';
import { NotifierModule } from '../notifier/notifier.module';
import { AdapterMetrics } from '../telemetry/adapter-metrics';
import { HealthcheckProcessor } from './healthcheck.processor';
import { HeartbeatWriter } from './heartbeat.writer';

/** Spec §2.5: adapter heartbeats; a DOWN adapter raises its alert; their health for Prometheus. */
@Module({ imports: [AlertsModule, NotifierModule], providers: [HeartbeatWriter, HealthcheckProcessor, AdapterMetrics] })
export class HealthcheckModule {}
