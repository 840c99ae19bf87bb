import { Module } from '@nestjs/common';
import { GbpipushController } from './gbpipush.controller';
import { ItsmCallerGuard } from './itsm-caller.guard';

@Module({ controllers: [GbpipushController], providers: [ItsmCallerGuard] })
export class ItsmModule {}
