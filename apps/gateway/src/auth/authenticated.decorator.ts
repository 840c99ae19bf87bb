import type { CanActivate, Type } from '@nestjs/common';
import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiCookieAuth, ApiSecurity } from '@nestjs/swagger';

import { AccessTokenGuard, KeyScope } from './access-token.guard';
import type { ApiKeyScope } from './api-key';
import { ApiUserGuard, SuperadminGuard } from './role.guards';
import { TenantAdminGuard } from './tenant-admin.guard';

const ROLE_GUARDS = { apiUser: ApiUserGuard, superadmin: SuperadminGuard, tenantAdmin: TenantAdminGuard };

export interface AuthenticatedOptions {
  /** Who may call besides being authenticated: API users, superadmins, or admins of the path's tenant. */
  role?: keyof typeof ROLE_GUARDS;
  /**
   * The guard that authenticates, when it is not the access token's (cookie or Bearer) alone:
   * the ITSM callback's also takes HTTP Basic and integration tokens. Documents HTTP Basic.
   */
  authenticator?: Type<CanActivate>;
  /** The API key scope that may call (spec §8.1: `read` for §6); without one, keys get 403. */
  scope?: ApiKeyScope;
}

/**
 * An authenticated route or controller in one line: the guards, in the contract's order (who,
 * then may they), and the OpenAPI security schemes (the access_token cookie, Bearer, and HTTP
 * Basic where the authenticator takes it).
 */
export function Authenticated(options: AuthenticatedOptions = {}): ClassDecorator & MethodDecorator {
  const guards: Type<CanActivate>[] = [options.authenticator ?? AccessTokenGuard];
  if (options.role) guards.push(ROLE_GUARDS[options.role]);
  // Listed in the order the schemes appear in the document.
  const schemes = options.authenticator
    ? [ApiCookieAuth('access_token'), ApiBearerAuth(), ApiBasicAuth()]
    : [ApiBearerAuth(), ApiCookieAuth('access_token')];
  const keys = options.scope ? [ApiSecurity('apiKey'), KeyScope(options.scope)] : [];
  return applyDecorators(...schemes, ...keys, UseGuards(...guards));
}
