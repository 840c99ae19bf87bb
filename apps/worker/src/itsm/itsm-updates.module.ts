import { Module } from '@nestjs/common';

import { ItsmUpdatesProcessor } from './itsm-updates.processor';
import { TicketUpdateWriter } from './ticket-update.writer';

/** Spec §3: ticket changes reported by an ITSM, applied to their alerts. */
@Module({ providers: [TicketUpdateWriter, ItsmUpdatesProcessor] })
export class ItsmUpdatesModule {}
