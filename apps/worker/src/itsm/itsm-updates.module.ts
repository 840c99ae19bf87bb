import { Module } from '@nestjs/common';

import { ChannelsModule } from '../channels/channels.module';
import { ItsmUpdatesProcessor } from './itsm-updates.processor';
import { TicketUpdateWriter } from './ticket-update.writer';

/** Spec §3: ticket changes reported by an ITSM, applied to their alerts (and told to their channels). */
@Module({ imports: [ChannelsModule], providers: [TicketUpdateWriter, ItsmUpdatesProcessor] })
export class ItsmUpdatesModule {}
