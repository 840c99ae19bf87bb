import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { isConnectionError } from '@sluice/database';

import type { KeyGrant } from '../persistence/api-key.repository';
import { ApiKeyRepository } from '../persistence/api-key.repository';
import { AccessInvalidation } from './access-invalidation.service';
import { hashApiKey, isWellFormedApiKey } from './api-key';
import { TtlCache } from './ttl-cache';

const MAX_ENTRIES = 50_000;
const FLUSH_MS = 30_000;

/**
 * Spec §8.1 on the request path: a key is hashed (SHA-256) and looked up by its hash, the grant
 * cached like users and sessions (ACCESS_CACHE_TTL), so steady state reads no database. A
 * revocation reaches every gateway process at once (AccessInvalidation, over Redis); the TTL only
 * bounds a message lost while a process was disconnected. `lastUsedAt`
 * is kept in memory and written for all keys used in one statement every 30 s (and at shutdown):
 * no database write per request.
 */
@Injectable()
export class ApiKeyVerifier implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeyVerifier.name);
  private readonly grants: TtlCache<string, KeyGrant | null>;
  private uses = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly invalidation: AccessInvalidation,
    @Inject(SLUICE_CONFIG) config: SluiceConfig,
  ) {
    this.grants = new TtlCache(config.accessCacheTtlSeconds * 1000, MAX_ENTRIES, isConnectionError);
    invalidation.on('key', (hash) => this.grants.delete(hash));
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** The key's grant if the key is known and unexpired; notes the use. */
  async verify(key: string): Promise<KeyGrant | undefined> {
    if (!isWellFormedApiKey(key)) return undefined;
    const grant = await this.grants.get(hashApiKey(key), (hash) => this.keys.grant(hash));
    if (!grant || (grant.expiresAt && grant.expiresAt.getTime() <= Date.now())) return undefined;
    this.uses.set(grant.id, Date.now());
    return grant;
  }

  /** After the key's row is deleted: this process forgets it now, the others when they hear of it. */
  revoked(hash: string): Promise<void> {
    return this.invalidation.forget('key', hash);
  }

  private async flush(): Promise<void> {
    if (this.uses.size === 0) return;
    const batch = this.uses;
    this.uses = new Map();
    try {
      await this.keys.touch(batch);
    } catch (err) {
      // Not worth a failure anywhere: the next use stamps it again.
      this.logger.warn(`lastUsedAt not written: ${(err as Error).message}`);
    }
  }
}
