import { Injectable } from '@nestjs/common';

import type { ApiKey } from '@sluice/database';
import { PrismaService } from '@sluice/database';

import type { Page, PageOf } from '../http/page-query.dto';
import { paged } from './paged';

export type NewApiKey = Pick<ApiKey, 'userId' | 'name' | 'scopes' | 'hash' | 'expiresAt'>;
/** What the authenticator needs of a key: whose, what for, until when. */
export type KeyGrant = Pick<ApiKey, 'id' | 'userId' | 'scopes' | 'expiresAt'>;

/** Spec §8.1: API keys, by owner (administration) and by hash (authentication). */
@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(key: NewApiKey): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data: key });
  }

  /** The owner's keys, newest first (api_keys_user_idx). */
  list(userId: string, page: Page): Promise<PageOf<ApiKey>> {
    return paged(
      this.prisma,
      page,
      (window) => this.prisma.apiKey.findMany({ where: { userId }, orderBy: { createdAt: 'desc' }, ...window }),
      this.prisma.apiKey.count({ where: { userId } }),
    );
  }

  /** Deletes the owner's key; its hash (for the other processes' caches), or undefined if it had none such. */
  async delete(userId: string, id: string): Promise<string | undefined> {
    const [deleted] = await this.prisma.$queryRaw<{ hash: string }[]>`
      DELETE FROM api_keys WHERE id = ${id}::uuid AND user_id = ${userId}::uuid RETURNING hash`;
    return deleted?.hash;
  }

  grant(hash: string): Promise<KeyGrant | null> {
    return this.prisma.apiKey.findUnique({
      where: { hash },
      select: { id: true, userId: true, scopes: true, expiresAt: true },
    });
  }

  /** Stamps when keys were last used (one statement for a batch; never moves a stamp back). */
  async touch(uses: Map<string, number>): Promise<void> {
    if (uses.size === 0) return;
    const ids = [...uses.keys()];
    const times = ids.map((id) => new Date(uses.get(id)!));
    await this.prisma.$executeRaw`
      UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, u.at)
        FROM unnest(${ids}::uuid[], ${times}::timestamptz[]) AS u(id, at)
       WHERE k.id = u.id`;
  }
}
