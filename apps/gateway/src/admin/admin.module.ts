import { Module } from '@nestjs/common';

import { PersistenceModule } from '../persistence/persistence.module';
import { BootstrapAdminService } from './bootstrap-admin.service';
import { CustomersController } from './customers.controller';
import { FailedJobsController } from './failed-jobs.controller';
import { OrganizationsController } from './organizations.controller';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [PersistenceModule],
  controllers: [OrganizationsController, CustomersController, UsersController, FailedJobsController],
  providers: [UsersService, BootstrapAdminService],
})
export class AdminModule {}
