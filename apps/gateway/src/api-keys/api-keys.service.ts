import { Injectable } from '@nestjs/common';

import { Errors } from '@sluice/common';
import { parseTimestamp } from '@sluice/contracts';
import type { ApiKey } from '@sluice/database';

import { hashApiKey, newApiKey } from '../auth/api-key';
import { ApiKeyVerifier } from '../auth/api-key-verifier.service';
import type { Principal } from '../auth/principal';
import type { Page, PageOf } from '../http/page-query.dto';
import { ApiKeyRepository } from '../persistence/api-key.repository';
import type { CreateApiKeyDto } from './api-key.dto';

export interface ApiKeyView {
  id: string;
  name: string;
  scopes: string[];
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

const NOT_FOUND = 'API key not found';

const viewOf = (k: ApiKey): ApiKeyView => ({
  id: k.id,
  name: k.name,
  scopes: k.scopes,
  expiresAt: k.expiresAt?.toISOString() ?? null,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
});

/**
 * Spec §8.1: a user's API keys. The key is made here, answered once, and stored as its hash;
 * a superadmin manages anyone's with `userId`, everyone else only their own.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly verifier: ApiKeyVerifier,
  ) {}

  async create(caller: Principal, dto: CreateApiKeyDto, userId?: string): Promise<ApiKeyView & { key: string }> {
    const expiresAt = dto.expiresAt === undefined ? null : new Date(parseTimestamp(dto.expiresAt)!);
    if (expiresAt && expiresAt.getTime() <= Date.now())
      throw Errors.invalidPayload([{ field: 'expiresAt', error: 'expiresAt must be in the future' }]);
    const key = newApiKey();
    const row = await this.keys.create({
      userId: ownerOf(caller, userId),
      name: dto.name,
      scopes: dto.scopes,
      hash: hashApiKey(key),
      expiresAt,
    });
    return { ...viewOf(row), key };
  }

  async list(caller: Principal, page: Page, userId?: string): Promise<PageOf<ApiKeyView>> {
    const { results, totalCount } = await this.keys.list(ownerOf(caller, userId), page);
    return { results: results.map(viewOf), totalCount };
  }

  /** Deletes the key; every gateway process stops taking it at once. */
  async revoke(caller: Principal, id: string, userId?: string): Promise<void> {
    const hash = await this.keys.delete(ownerOf(caller, userId), id);
    if (!hash) throw Errors.notFound(NOT_FOUND);
    await this.verifier.revoked(hash);
  }
}

/** Whose keys: the caller's, or (a superadmin's call only) `userId`'s. */
function ownerOf(caller: Principal, userId: string | undefined): string {
  if (userId === undefined || userId === caller.id) return caller.id;
  if (!caller.isSuperadmin) throw Errors.accessDenied();
  return userId;
}

export { NOT_FOUND as API_KEY_NOT_FOUND };
