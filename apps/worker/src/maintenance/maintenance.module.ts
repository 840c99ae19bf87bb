import { Module } from '@nestjs/common';

import { AlertsModule } from '../alerts/alerts.module';
import { NotifierModule } from '../notifier/notifier.module';
import { MaintenanceProcessor } from './maintenance.processor';
import { Retention } from './retention.service';
import { StaleAdapters } from './stale-adapters.service';

/** Scheduled upkeep: stale adapters (which raise alerts) and retention. */
@Module({ imports: [AlertsModule, NotifierModule], providers: [StaleAdapters, Retention, MaintenanceProcessor] })
export class MaintenanceModule {}
