import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { Errors } from '@sluice/common';

import { AccessCache } from './access-cache.service';
import { AccessTokenService } from './access-token.service';
import type { Principal } from './principal';

/** The access token of a request: `Authorization: Bearer` first, else the `access_token` cookie. */
export function readAccessToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const [scheme, token] = header.split(' ', 2);
    if (scheme.toLowerCase() === 'bearer') return token ?? '';
  }
  return req.cookies?.access_token;
}

/**
 * Spec §1: who sends a request. 401 "Missing access token" without a token, 401 "Invalid access
 * token" for a malformed, forged, expired or revoked one (its session logged out, its user
 * disabled or deleted). Token verdicts and users are cached, so steady state reads no database.
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly access: AccessCache,
  ) {}

  async authenticate(req: FastifyRequest): Promise<Principal> {
    const token = readAccessToken(req);
    if (!token) throw Errors.missingAccessToken();
    const claims = this.tokens.verify(token);
    if (!claims) throw Errors.invalidAccessToken();
    const [principal, sessionActive] = await Promise.all([
      this.access.principalById(claims.sub),
      this.access.familyActive(claims.fam),
    ]);
    if (!principal || !sessionActive) throw Errors.invalidAccessToken();
    return principal;
  }
}
