import { Injectable } from '@nestjs/common';

import { PrismaService } from '@sluice/database';

/** How a refresh-token claim ended: the next token stored, or why not (unknown, or used/expired). */
export type Rotation =
  { userId: string; familyId: string } | { refused: 'unknown' } | { refused: 'used' | 'invalid'; familyId: string };

/** Login sessions: token families and their refresh tokens (stored as SHA-256 hashes only). */
@Injectable()
export class TokenRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Starts a family with its first token; its id. */
  async startFamily(userId: string, tokenHash: string, expiresAt: Date): Promise<string> {
    const family = await this.prisma.tokenFamily.create({
      data: { userId, refreshTokens: { create: { tokenHash, expiresAt } } },
      select: { id: true },
    });
    return family.id;
  }

  /**
   * Uses up the token and stores its successor, if the token is unused, unexpired, and its family
   * and user are valid. Claim and successor in one transaction: a failure between them must not
   * use up the old token without issuing the next. The claim is a conditional UPDATE, so two
   * concurrent refreshes cannot both succeed.
   */
  rotate(tokenHash: string, nextHash: string, now: Date, expiresAt: Date): Promise<Rotation> {
    return this.prisma.$transaction(async (tx) => {
      const claimed = await tx.refreshToken.updateMany({
        where: {
          tokenHash,
          usedAt: null,
          expiresAt: { gt: now },
          family: { revokedAt: null, user: { disabled: false } },
        },
        data: { usedAt: now },
      });
      const row = await tx.refreshToken.findUnique({
        where: { tokenHash },
        select: { usedAt: true, familyId: true, family: { select: { userId: true } } },
      });
      if (!row) return { refused: 'unknown' as const };
      if (claimed.count === 0) {
        return { refused: row.usedAt !== null ? ('used' as const) : ('invalid' as const), familyId: row.familyId };
      }
      await tx.refreshToken.create({ data: { familyId: row.familyId, tokenHash: nextHash, expiresAt } });
      return { userId: row.family.userId, familyId: row.familyId };
    });
  }

  async familyOf(tokenHash: string): Promise<string | undefined> {
    const row = await this.prisma.refreshToken.findUnique({ where: { tokenHash }, select: { familyId: true } });
    return row?.familyId;
  }

  async familyActive(familyId: string): Promise<boolean> {
    const family = await this.prisma.tokenFamily.findUnique({ where: { id: familyId }, select: { revokedAt: true } });
    return !!family && family.revokedAt === null;
  }

  /** Revokes every live family of a user; their ids. */
  async revokeUser(userId: string, reason: string): Promise<string[]> {
    const live = { userId, revokedAt: null };
    const families = await this.prisma.tokenFamily.findMany({ where: live, select: { id: true } });
    await this.prisma.tokenFamily.updateMany({ where: live, data: { revokedAt: new Date(), revokedReason: reason } });
    return families.map((f) => f.id);
  }

  async revokeFamily(familyId: string, reason: string): Promise<void> {
    await this.prisma.tokenFamily.updateMany({
      where: { id: familyId, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
  }
}
