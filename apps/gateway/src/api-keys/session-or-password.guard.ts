import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { Errors } from '@sluice/common';

import { AccessTokenGuard } from '../auth/access-token.guard';
import { BasicCredentialsGuard } from '../auth/basic-auth.guard';
import type { Credential } from '../auth/request-authenticator.service';
import { readCredential } from '../auth/request-authenticator.service';

/**
 * Spec §8.1: keys are managed with an access token or HTTP Basic with the password, never with
 * another key (403), so that a leaked key cannot mint more.
 */
@Injectable()
export class SessionOrPasswordGuard implements CanActivate {
  private readonly basic = new BasicCredentialsGuard();

  constructor(private readonly session: AccessTokenGuard) {}

  canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const credential: Credential | undefined = readCredential(req);
    if (credential && 'key' in credential) throw Errors.accessDenied();
    if (/^basic /i.test(req.headers.authorization ?? '')) return this.basic.canActivate(context) as Promise<boolean>;
    return this.session.canActivate(context);
  }
}
