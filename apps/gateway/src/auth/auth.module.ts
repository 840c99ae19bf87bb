import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';

import { PersistenceModule } from '../persistence/persistence.module';
import { AccessCache } from './access-cache.service';
import { AccessInvalidation } from './access-invalidation.service';
import { AccessTokenGuard } from './access-token.guard';
import { AccessTokenService } from './access-token.service';
import { ApiKeyVerifier } from './api-key-verifier.service';
import { BasicStrategy } from './basic.strategy';
import { MeController } from './me.controller';
import { PasswordService } from './password.service';
import { RefreshTokenService } from './refresh-token.service';
import { RequestAuthenticator } from './request-authenticator.service';
import { ApiUserGuard, SuperadminGuard } from './role.guards';
import { TenantAdminGuard } from './tenant-admin.guard';
import { TokenController } from './token.controller';

/** What the rest of the gateway uses to authenticate and authorize (the guards of @Authenticated). */
const EXPORTED = [
  AccessCache,
  AccessInvalidation,
  AccessTokenService,
  AccessTokenGuard,
  ApiKeyVerifier,
  ApiUserGuard,
  SuperadminGuard,
  TenantAdminGuard,
  PasswordService,
  RefreshTokenService,
  RequestAuthenticator,
];

@Global()
@Module({
  imports: [PassportModule, JwtModule.register({}), PersistenceModule],
  controllers: [TokenController, MeController],
  providers: [...EXPORTED, BasicStrategy],
  exports: EXPORTED,
})
export class AuthModule {}
