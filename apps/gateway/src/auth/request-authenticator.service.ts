import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { Errors } from '@sluice/common';

import { AccessCache } from './access-cache.service';
import { AccessTokenService } from './access-token.service';
import type { ApiKeyScope } from './api-key';
import { looksLikeApiKey } from './api-key';
import { ApiKeyVerifier } from './api-key-verifier.service';
import { basicCredentials } from './basic.strategy';
import type { Principal } from './principal';

/** A request's credential: an access token (§1), or an API key (§8.1) and, from Basic, the email given with it. */
export type Credential = { token: string } | { key: string; email?: string };

/**
 * The credential of a request: `X-API-Key`; else `Authorization: Bearer` (a key or an access
 * token, told apart by the key's prefix); else HTTP Basic whose password is a key; else the
 * `access_token` cookie.
 */
export function readCredential(req: FastifyRequest): Credential | undefined {
  const apiKey = req.headers['x-api-key'];
  if (typeof apiKey === 'string') return { key: apiKey };
  const header = req.headers.authorization;
  if (header !== undefined) {
    const [scheme, token] = header.split(' ', 2);
    if (scheme.toLowerCase() === 'bearer')
      return looksLikeApiKey(token ?? '') ? { key: token } : { token: token ?? '' };
    const basic = basicCredentials(header);
    if (basic && looksLikeApiKey(basic.password)) return { key: basic.password, email: basic.email };
  }
  const cookie = req.cookies?.access_token;
  return cookie ? { token: cookie } : undefined;
}

/**
 * Spec §1 and §8.1: who sends a request. 401 "Missing access token" without a credential, 401
 * "Invalid access token" for a malformed, forged, expired or revoked token or key (its session
 * logged out, its user disabled or deleted, the key revoked or expired); a key is 403 "Access
 * denied" on a route outside its scopes (`scope` undefined: no key is accepted). Token verdicts,
 * keys and users are cached, so steady state reads no database.
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly access: AccessCache,
    private readonly keys: ApiKeyVerifier,
  ) {}

  async authenticate(req: FastifyRequest, scope?: ApiKeyScope, credential = readCredential(req)): Promise<Principal> {
    if (!credential || ('token' in credential && !credential.token)) throw Errors.missingAccessToken();
    if ('key' in credential) return this.byKey(credential, scope);
    const claims = this.tokens.verify(credential.token);
    if (!claims) throw Errors.invalidAccessToken();
    const [principal, sessionActive] = await Promise.all([
      this.access.principalById(claims.sub),
      this.access.familyActive(claims.fam),
    ]);
    if (!principal || !sessionActive) throw Errors.invalidAccessToken();
    return principal;
  }

  private async byKey(credential: { key: string; email?: string }, scope: ApiKeyScope | undefined): Promise<Principal> {
    const grant = await this.keys.verify(credential.key);
    const principal = grant && (await this.access.principalById(grant.userId));
    if (!grant || !principal) throw Errors.invalidAccessToken();
    // Basic's user name must be the owner's email (the key alone decides otherwise).
    if (credential.email !== undefined && credential.email.toLowerCase() !== principal.email.toLowerCase())
      throw Errors.invalidAccessToken();
    if (!scope || !grant.scopes.includes(scope)) throw Errors.accessDenied();
    return { ...principal, apiKey: { id: grant.id, scopes: grant.scopes } };
  }
}
