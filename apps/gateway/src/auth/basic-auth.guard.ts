import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';

import { ContractError, Errors } from '@sluice/common';

/**
 * Basic auth through passport-http. The failure body depends on the route: the token API
 * answers `{"detail": "Invalid username/password"}` (spec §1), the others pass their own. An
 * error with a contract status of its own (the login brakes' 429) is answered as it is.
 */
function basicAuthGuard(failure: () => ContractError) {
  @Injectable()
  class BasicAuthGuard extends AuthGuard('basic') {
    handleRequest<T>(err: unknown, user: T | false): T {
      if (err instanceof ContractError) throw err;
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
