import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { PrismaService } from '@sluice/database';
import { AccessCache } from './access-cache';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Opaque refresh tokens (256 random bits; only their SHA-256 is stored), grouped in families:
 * one family per login. Each refresh uses up its token and issues the next one of the family;
 * presenting a used token again means it was stolen or replayed, so the whole family is revoked.
 */
@Injectable()
export class RefreshTokenService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly access: AccessCache,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
  ) {}

  /** Starts a family (a login) and returns its first refresh token. */
  async startFamily(userId: string): Promise<{ familyId: string; refreshToken: string }> {
    const refreshToken = randomBytes(32).toString('base64url');
    const family = await this.prisma.tokenFamily.create({
      data: { userId, refreshTokens: { create: { tokenHash: hashOf(refreshToken), expiresAt: this.expiry() } } },
      select: { id: true },
    });
    return { familyId: family.id, refreshToken };
  }

  /**
   * Uses up `token` and returns the next one of its family, or undefined when the token is
   * unknown, expired, already used (the family is then revoked), or its family or user is not
   * valid any more.
   */
  async rotate(token: string): Promise<{ userId: string; familyId: string; refreshToken: string } | undefined> {
    const tokenHash = hashOf(token);
    const now = new Date();
    const refreshToken = randomBytes(32).toString('base64url');
    // Claim and successor in one transaction: a failure between them must not use up the old
    // token without issuing the next. The claim is a conditional UPDATE, so two concurrent
    // refreshes cannot both succeed.
    const outcome = await this.prisma.$transaction(async (tx) => {
      const claimed = await tx.refreshToken.updateMany({
        where: { tokenHash, usedAt: null, expiresAt: { gt: now }, family: { revokedAt: null, user: { disabled: false } } },
        data: { usedAt: now },
      });
      const row = await tx.refreshToken.findUnique({
        where: { tokenHash },
        select: { usedAt: true, familyId: true, family: { select: { userId: true } } },
      });
      if (!row) return undefined;
      if (claimed.count === 0) return { reused: row.usedAt !== null, familyId: row.familyId };
      await tx.refreshToken.create({ data: { familyId: row.familyId, tokenHash: hashOf(refreshToken), expiresAt: this.expiry() } });
      return { userId: row.family.userId, familyId: row.familyId, refreshToken };
    });
    if (!outcome) return undefined;
    if (outcome.refreshToken === undefined) {
      if (outcome.reused) await this.revokeFamily(outcome.familyId, 'reuse');
      return undefined;
    }
    return { userId: outcome.userId, familyId: outcome.familyId, refreshToken: outcome.refreshToken };
  }

  /** Logout: revokes the family of `token`, if it names one. */
  async revokeByToken(token: string): Promise<void> {
    const row = await this.prisma.refreshToken.findUnique({ where: { tokenHash: hashOf(token) }, select: { familyId: true } });
    if (row) await this.revokeFamily(row.familyId, 'logout');
  }

  /** Ends every session of a user (password changed, user disabled). */
  async revokeUser(userId: string, reason: string): Promise<void> {
    const families = await this.prisma.tokenFamily.findMany({ where: { userId, revokedAt: null }, select: { id: true } });
    await this.prisma.tokenFamily.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } });
    for (const f of families) this.access.forgetFamily(f.id);
  }

  private async revokeFamily(familyId: string, reason: string): Promise<void> {
    await this.prisma.tokenFamily.updateMany({
      where: { id: familyId, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
    this.access.forgetFamily(familyId);
  }

  private expiry(): Date {
    return new Date(Date.now() + this.config.refreshTokenTtl * 1000);
  }
}
