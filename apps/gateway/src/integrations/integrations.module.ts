import { Module } from '@nestjs/common';
import { IntegrationsController } from './integrations.controller';
import { IntegrationsService } from './integrations.service';
import { TenantAdminGuard } from './tenant-admin.guard';

@Module({ controllers: [IntegrationsController], providers: [IntegrationsService, TenantAdminGuard], exports: [IntegrationsService] })
export class IntegrationsModule {}
