import { Module } from '@nestjs/common';

import { PersistenceModule } from '../persistence/persistence.module';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { SessionOrPasswordGuard } from './session-or-password.guard';

/** Spec §8.1: API keys (the authenticator that takes them is in auth/). */
@Module({
  imports: [PersistenceModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, SessionOrPasswordGuard],
})
export class ApiKeysModule {}
