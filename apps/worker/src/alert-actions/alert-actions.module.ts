import { Module } from '@nestjs/common';

import { NotifierModule } from '../notifier/notifier.module';
import { AlertActionWriter } from './alert-action.writer';
import { AlertActionsProcessor } from './alert-actions.processor';

/** Spec §10: users' actions on alerts, applied as the event fold applies events (and notified alike). */
@Module({ imports: [NotifierModule], providers: [AlertActionWriter, AlertActionsProcessor] })
export class AlertActionsModule {}
