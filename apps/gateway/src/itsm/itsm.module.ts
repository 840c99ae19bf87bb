import { Module } from '@nestjs/common';

import { PersistenceModule } from '../persistence/persistence.module';
import { GbpipushController } from './gbpipush.controller';
import { ItsmCallerGuard } from './itsm-caller.guard';

@Module({ imports: [PersistenceModule], controllers: [GbpipushController], providers: [ItsmCallerGuard] })
export class ItsmModule {}
