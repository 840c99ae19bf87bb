import { Module } from '@nestjs/common';

import { PersistenceModule } from '../persistence/persistence.module';
import { AdaptersController } from './adapters.controller';
import { AlertsController } from './alerts.controller';
import { EventsController } from './events.controller';
import { MetricsController } from './metrics.controller';
import { TopologyController } from './topology.controller';

/** Spec §6: the read API for dashboards, tenant-scoped in SQL. */
@Module({
  imports: [PersistenceModule],
  controllers: [AlertsController, EventsController, MetricsController, TopologyController, AdaptersController],
})
export class QueryModule {}
