import { Module, RequestMethod } from '@nestjs/common';
import type { RouteInfo } from '@nestjs/common/interfaces';

import { SluiceLoggerModule, TelemetryModule } from '@sluice/common';
import { SluiceConfigModule } from '@sluice/config';
import { DatabaseModule } from '@sluice/database';

import { AdminModule } from './admin/admin.module';
import { AlertActionsModule } from './alert-actions/alert-actions.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthModule } from './auth/auth.module';
import { ChannelsModule } from './channels/channels.module';
import { HealthModule } from './health/health.module';
import { IngestModule } from './ingest/ingest.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { ItsmModule } from './itsm/itsm.module';
import { PublishModule } from './publish/publish.module';
import { QueryModule } from './query/query.module';
import { QueueModule } from './queue/queue.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';

const NEST_ROUTES: RouteInfo[] = [
  { path: 'api/*path', method: RequestMethod.ALL },
  { path: 'gbpipush/*path', method: RequestMethod.ALL },
  { path: 'health/*path', method: RequestMethod.ALL },
  { path: 'publish/healthcheck', method: RequestMethod.GET },
];

@Module({
  imports: [
    SluiceConfigModule,
    TelemetryModule.forApp('gateway'),
    // The Nest routes; the publish and ingest routes (plain Fastify) log their own requests.
    SluiceLoggerModule.forApp('gateway', NEST_ROUTES),
    DatabaseModule,
    QueueModule,
    RateLimitModule,
    AuthModule,
    PublishModule,
    AdminModule,
    QueryModule,
    AlertActionsModule,
    IntegrationsModule,
    ChannelsModule,
    ApiKeysModule,
    IngestModule,
    ItsmModule,
    HealthModule,
  ],
})
export class GatewayModule {}
