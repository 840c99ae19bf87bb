import { Module } from '@nestjs/common';

import { AlertsModule } from '../alerts/alerts.module';
import { NotifierModule } from '../notifier/notifier.module';
import { EventWriter } from './event.writer';
import { EventsProcessor } from './events.processor';

/** Spec §2.1: stores events and folds them into alerts (which may call an ITSM). */
@Module({ imports: [AlertsModule, NotifierModule], providers: [EventWriter, EventsProcessor] })
export class EventsModule {}
