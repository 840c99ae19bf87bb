import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import type { Principal } from './principal';
import { RequestAuthenticator } from './request-authenticator.service';

/** Spec §1 for Nest routes: the request's user as `req.user`, or the contract's 401. */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(private readonly authenticator: RequestAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    req.user = await this.authenticator.authenticate(req);
    return true;
  }
}
