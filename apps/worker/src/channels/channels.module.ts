import { Module } from '@nestjs/common';

import { ChannelDeliverer } from './channel-deliverer';
import { ChannelDeliveriesProcessor } from './channel-deliveries.processor';
import { ChannelNotifications } from './channel-notifications.service';

/**
 * Spec §9, the notification channels: deciding which integrations hear of an alert change
 * (ChannelNotifications, used by whatever changes alerts) and delivering (the channel-deliveries queue).
 */
@Module({
  providers: [ChannelNotifications, ChannelDeliverer, ChannelDeliveriesProcessor],
  exports: [ChannelNotifications],
})
export class ChannelsModule {}
