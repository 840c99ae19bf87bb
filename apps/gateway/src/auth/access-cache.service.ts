import { Inject, Injectable } from '@nestjs/common';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { isConnectionError } from '@sluice/database';

import { CustomerRepository } from '../persistence/customer.repository';
import { TokenRepository } from '../persistence/token.repository';
import { UserRepository } from '../persistence/user.repository';
import { AccessInvalidation } from './access-invalidation.service';
import type { Principal } from './principal';
import { TtlCache } from './ttl-cache';

/** Entries of each kind kept, fresh or as the last good value (a principal is well under 1 KB). */
const MAX_ENTRIES = 50_000;

export interface CustomerStatus {
  exists: boolean;
  active: boolean;
}

/**
 * Users, token families and customers as the request path needs them, read from PostgreSQL and
 * kept for ACCESS_CACHE_TTL seconds. A change made through the API is forgotten at once in every
 * gateway process (AccessInvalidation, over Redis).
 *
 * While PostgreSQL is unreachable, the last good entries are served (publishing needs only
 * Redis): up to MAX_ENTRIES of each kind, the least recently used dropped first. A request that
 * needs an entry the gateway never had (or forgot: a change made in this process) is answered
 * 503 with Retry-After by the error filter.
 */
@Injectable()
export class AccessCache {
  private readonly principals: TtlCache<string, Principal | undefined>;
  private readonly families: TtlCache<string, boolean>;
  private readonly customers: TtlCache<string, CustomerStatus>;

  constructor(
    private readonly users: UserRepository,
    private readonly tokens: TokenRepository,
    private readonly customerRows: CustomerRepository,
    private readonly invalidation: AccessInvalidation,
    @Inject(SLUICE_CONFIG) config: SluiceConfig,
  ) {
    const ttl = config.accessCacheTtlSeconds * 1000;
    this.principals = new TtlCache(ttl, MAX_ENTRIES, isConnectionError);
    this.families = new TtlCache(ttl, MAX_ENTRIES, isConnectionError);
    this.customers = new TtlCache(ttl, MAX_ENTRIES, isConnectionError);
    invalidation.on('user', (id) => this.principals.delete(id));
    invalidation.on('family', (id) => this.families.delete(id));
    invalidation.on('customer', (id) => this.customers.delete(id));
  }

  /** The enabled user with this id, or undefined. */
  principalById(userId: string): Promise<Principal | undefined> {
    return this.principals.get(userId, async (id) => {
      const user = await this.users.withCustomers(id);
      if (!user || user.disabled) return undefined;
      return {
        id: user.id,
        email: user.email,
        name: user.name,
        type: user.type,
        isSuperadmin: user.isSuperadmin,
        isAdmin: user.isAdmin,
        customerIds: new Set(user.customers.map((c) => c.customerId)),
      };
    });
  }

  /** Whether the login session (refresh-token family) is still valid. */
  familyActive(familyId: string): Promise<boolean> {
    return this.families.get(familyId, (id) => this.tokens.familyActive(id));
  }

  /** Status of each customer id; the ones not cached are read in one query. */
  async customerStatuses(ids: Iterable<string>): Promise<Map<string, CustomerStatus>> {
    const result = new Map<string, CustomerStatus>();
    const missing: string[] = [];
    for (const id of ids) {
      const hit = this.customers.peek(id);
      if (hit) result.set(id, hit);
      else missing.push(id);
    }
    if (missing.length > 0) {
      let rows: { id: string; active: boolean }[];
      try {
        rows = await this.customerRows.statuses(missing);
      } catch (err) {
        for (const id of missing) result.set(id, this.customers.staleOrThrow(id, err));
        return result;
      }
      const found = new Map(rows.map((r) => [r.id, r.active]));
      for (const id of missing) {
        const status = { exists: found.has(id), active: found.get(id) === true };
        this.customers.set(id, status);
        result.set(id, status);
      }
    }
    return result;
  }

  /** After a change of the user (disabled, its customers, its rights): in every gateway process. */
  forgetUser(userId: string): Promise<void> {
    return this.invalidation.forget('user', userId);
  }

  /** After a session ended (logout, reuse of a refresh token): in every gateway process. */
  forgetFamily(familyId: string): Promise<void> {
    return this.invalidation.forget('family', familyId);
  }

  /** After a change of the customer (deactivated): in every gateway process. */
  forgetCustomer(customerId: string): Promise<void> {
    return this.invalidation.forget('customer', customerId);
  }
}
