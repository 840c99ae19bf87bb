import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';

import type { ApiKeyScope } from './api-key';
import type { Principal } from './principal';
import { RequestAuthenticator } from './request-authenticator.service';

const KEY_SCOPE = 'sluice:apiKeyScope';
/** The API key scope a route accepts (spec §8.1); a route without one takes no key. */
export const KeyScope = (scope: ApiKeyScope) => SetMetadata(KEY_SCOPE, scope);

/** Spec §1 and §8.1 for Nest routes: the request's user as `req.user`, or the contract's 401 (403 for a key out of scope). */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const scope = this.reflector.getAllAndOverride<ApiKeyScope | undefined>(KEY_SCOPE, [
      context.getHandler(),
      context.getClass(),
    ]);
    req.user = await this.authenticator.authenticate(req, scope);
    return true;
  }
}
