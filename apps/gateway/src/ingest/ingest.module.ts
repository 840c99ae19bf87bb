import { Module } from '@nestjs/common';

import { OpenApiModule } from '../http/openapi';
import { PublishModule } from '../publish/publish.module';
import { IngestRoutes } from './ingest.routes';

/** Spec §8.2: other tools' bodies, mapped (formats/) and published through §2's PublishService. */
@Module({ imports: [OpenApiModule, PublishModule], providers: [IngestRoutes] })
export class IngestModule {}
