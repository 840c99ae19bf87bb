import { Module } from '@nestjs/common';

import { AlertNotifications } from './alert-notifications.service';
import { NotificationsProcessor } from './notifications.processor';
import { NotifierAuth } from './notifier-auth.service';
import { NotifierConfig } from './notifier-config.service';
import { TicketNotifier } from './ticket.notifier';

/**
 * §4.1, the outbound notifier: deciding which alert changes call an ITSM (AlertNotifications,
 * used by the features that change alerts) and making the calls (the notifications queue).
 */
@Module({
  providers: [AlertNotifications, NotifierConfig, NotifierAuth, TicketNotifier, NotificationsProcessor],
  exports: [AlertNotifications],
})
export class NotifierModule {}
