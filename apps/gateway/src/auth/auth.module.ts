import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AccessCache } from './access-cache';
import { AccessTokenGuard } from './access-token.guard';
import { AccessTokenService } from './access-token.service';
import { BasicStrategy } from './basic.strategy';
import { PasswordService } from './password.service';
import { RefreshTokenService } from './refresh-token.service';
import { RequestAuthenticator } from './request-authenticator';
import { ApiUserGuard, SuperadminGuard } from './role.guards';
import { TokenController } from './token.controller';

@Global()
@Module({
  imports: [PassportModule, JwtModule.register({})],
  controllers: [TokenController],
  providers: [
    AccessCache,
    AccessTokenService,
    AccessTokenGuard,
    ApiUserGuard,
    SuperadminGuard,
    BasicStrategy,
    PasswordService,
    RefreshTokenService,
    RequestAuthenticator,
  ],
  exports: [AccessCache, AccessTokenService, AccessTokenGuard, ApiUserGuard, SuperadminGuard, PasswordService, RefreshTokenService, RequestAuthenticator],
})
export class AuthModule {}
