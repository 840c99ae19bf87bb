import { Module } from '@nestjs/common';

import { AlertWriter } from './alert.writer';

/**
 * Alerts: the fold of events into alerts and their history. Used by the features that raise
 * alerts (events, heartbeats, maintenance); the writer returns its changes and those callers hand
 * them to the notifier, so alerts does not depend on the notifier.
 */
@Module({
  providers: [AlertWriter],
  exports: [AlertWriter],
})
export class AlertsModule {}
