import { Module } from '@nestjs/common';

import { ChannelsModule } from '../channels/channels.module';
import { AlertNotifications } from './alert-notifications.service';
import { NotificationsProcessor } from './notifications.processor';
import { NotifierAuth } from './notifier-auth.service';
import { NotifierConfig } from './notifier-config.service';
import { TicketNotifier } from './ticket.notifier';

/**
 * §4.1, the outbound notifier: deciding which alert changes call an ITSM or a notification
 * channel (AlertNotifications, used by the features that change alerts; channels through
 * ChannelsModule) and making the ITSM calls (the notifications queue).
 */
@Module({
  imports: [ChannelsModule],
  providers: [AlertNotifications, NotifierConfig, NotifierAuth, TicketNotifier, NotificationsProcessor],
  exports: [AlertNotifications],
})
export class NotifierModule {}
