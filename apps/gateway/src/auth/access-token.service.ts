import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';

import { TtlCache } from './ttl-cache';

export interface AccessClaims {
  sub: string;
  fam: string;
}

const ISSUER = 'sluice';
const AUDIENCE = 'sluice-api';
const ALGORITHM = 'HS256';
// Clocks of the gateway processes may differ a little; a token issued further ahead is forged.
const CLOCK_SKEW_SECONDS = 30;

/**
 * Signs and verifies access tokens: HS256 pinned (an `alg: none` or RS/HS-confusion token fails),
 * issuer and audience checked, `exp` and `iat` required (the library takes a token without `exp`
 * as never expiring) and `iat` not in the future. A verified token is remembered until it
 * expires, so the hot path verifies each token's signature once, not once per request.
 */
@Injectable()
export class AccessTokenService {
  private readonly verified = new TtlCache<string, AccessClaims>(0, 100_000);

  constructor(
    private readonly jwt: JwtService,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
  ) {}

  sign(claims: AccessClaims): string {
    return this.jwt.sign(claims, {
      secret: this.config.jwtSecret,
      algorithm: ALGORITHM,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: this.config.accessTokenTtl,
    });
  }

  /** The token's claims, or undefined for a malformed, forged or expired token. */
  verify(token: string): AccessClaims | undefined {
    const cached = this.verified.peek(token);
    if (cached) return cached;
    try {
      const payload = this.jwt.verify<AccessClaims & { exp?: unknown; iat?: unknown }>(token, {
        secret: this.config.jwtSecret,
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      if (typeof payload.sub !== 'string' || typeof payload.fam !== 'string') return undefined;
      const { exp, iat } = payload;
      if (typeof exp !== 'number' || typeof iat !== 'number' || !(iat <= Date.now() / 1000 + CLOCK_SKEW_SECONDS))
        return undefined;
      const claims = { sub: payload.sub, fam: payload.fam };
      this.verified.set(token, claims, exp * 1000 - Date.now());
      return claims;
    } catch {
      return undefined;
    }
  }
}
