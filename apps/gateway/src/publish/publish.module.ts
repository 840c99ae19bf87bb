import { Module } from '@nestjs/common';

import { OpenApiModule } from '../http/openapi';
import { PublishController } from './publish.controller';
import { PublishRoutes } from './publish.routes';
import { PublishService } from './publish.service';

@Module({
  imports: [OpenApiModule],
  controllers: [PublishController],
  providers: [PublishService, PublishRoutes],
  exports: [PublishService],
})
export class PublishModule {}
