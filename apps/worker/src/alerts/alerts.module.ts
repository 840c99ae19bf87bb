import { Module } from '@nestjs/common';
import { NotifierModule } from '../notifier/notifier.module';
import { AlertWriter } from './alert-writer';

/**
 * Alerts: the fold of events into alerts and their history. Used by the features that raise
 * alerts (events, heartbeats, maintenance), which also import NotifierModule.
 */
@Module({
  // Only while AlertWriter still calls AlertNotifications itself; once it returns its changes to
  // its callers, this import goes and alerts no longer depends on the notifier.
  imports: [NotifierModule],
  providers: [AlertWriter],
  exports: [AlertWriter],
})
export class AlertsModule {}
