import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ContractError, Errors } from '@sluice/common';

/**
 * Basic auth through passport-http. The failure body depends on the route: the token API
 * answers `{"detail": "Invalid username/password"}` (spec §1), the others pass their own.
 */
function basicAuthGuard(failure: () => ContractError) {
  @Injectable()
  class BasicAuthGuard extends AuthGuard('basic') {
    handleRequest<T>(err: unknown, user: T | false): T {
      if (err || !user) throw failure();
      return user;
    }

    getAuthenticateOptions(_context: ExecutionContext) {
      return { session: false };
    }
  }
  return BasicAuthGuard;
}

export const TokenLoginGuard = basicAuthGuard(Errors.invalidLogin);
export const BasicCredentialsGuard = basicAuthGuard(Errors.invalidCredentials);
