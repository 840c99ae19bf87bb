import { randomBytes } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import { sha256Hex } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';

import { TokenRepository } from '../persistence/token.repository';
import { AccessCache } from './access-cache.service';

/**
 * Opaque refresh tokens (256 random bits; only their SHA-256 is stored), grouped in families:
 * one family per login. Each refresh uses up its token and issues the next one of the family;
 * presenting a used token again means it was stolen or replayed, so the whole family is revoked.
 */
@Injectable()
export class RefreshTokenService {
  constructor(
    private readonly tokens: TokenRepository,
    private readonly access: AccessCache,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
  ) {}

  /** Starts a family (a login) and returns its first refresh token. */
  async startFamily(userId: string): Promise<{ familyId: string; refreshToken: string }> {
    const refreshToken = randomBytes(32).toString('base64url');
    const familyId = await this.tokens.startFamily(userId, sha256Hex(refreshToken), this.expiry());
    return { familyId, refreshToken };
  }

  /**
   * Uses up `token` and returns the next one of its family, or undefined when the token is
   * unknown, expired, already used (the family is then revoked), or its family or user is not
   * valid any more.
   */
  async rotate(token: string): Promise<{ userId: string; familyId: string; refreshToken: string } | undefined> {
    const refreshToken = randomBytes(32).toString('base64url');
    const rotation = await this.tokens.rotate(sha256Hex(token), sha256Hex(refreshToken), new Date(), this.expiry());
    if ('refused' in rotation) {
      if (rotation.refused === 'used') await this.revokeFamily(rotation.familyId, 'reuse');
      return undefined;
    }
    return { userId: rotation.userId, familyId: rotation.familyId, refreshToken };
  }

  /** Logout: revokes the family of `token`, if it names one. */
  async revokeByToken(token: string): Promise<void> {
    const familyId = await this.tokens.familyOf(sha256Hex(token));
    if (familyId) await this.revokeFamily(familyId, 'logout');
  }

  /** Ends every session of a user (password changed, user disabled). */
  async revokeUser(userId: string, reason: string): Promise<void> {
    for (const familyId of await this.tokens.revokeUser(userId, reason)) await this.access.forgetFamily(familyId);
  }

  private async revokeFamily(familyId: string, reason: string): Promise<void> {
    await this.tokens.revokeFamily(familyId, reason);
    await this.access.forgetFamily(familyId);
  }

  private expiry(): Date {
    return new Date(Date.now() + this.config.refreshTokenTtl * 1000);
  }
}
