import { Module } from '@nestjs/common';

import { AlertsModule } from '../alerts/alerts.module';
import { NotifierModule } from '../notifier/notifier.module';
import { HealthcheckProcessor } from './healthcheck.processor';
import { HeartbeatWriter } from './heartbeat.writer';

/** Spec §2.5: adapter heartbeats; a DOWN adapter raises its alert. */
@Module({ imports: [AlertsModule, NotifierModule], providers: [HeartbeatWriter, HealthcheckProcessor] })
export class HealthcheckModule {}
