import { Module } from '@nestjs/common';

import { PersistenceModule } from '../persistence/persistence.module';
import { AlertActionsController } from './alert-actions.controller';
import { AlertActionsService } from './alert-actions.service';

/** Spec §10: users' actions on alerts, handed to the worker and answered with the outcome. */
@Module({
  imports: [PersistenceModule],
  controllers: [AlertActionsController],
  providers: [AlertActionsService],
})
export class AlertActionsModule {}
