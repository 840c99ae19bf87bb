import { Module } from '@nestjs/common';
import { PublishController } from './publish.controller';
import { PublishRoutes } from './publish.routes';
import { PublishService } from './publish.service';

@Module({ controllers: [PublishController], providers: [PublishService, PublishRoutes] })
export class PublishModule {}
