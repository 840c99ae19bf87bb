import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';

import { Errors } from '@sluice/common';

import type { CustomerScope, Scoped } from '../persistence/customer-scope';

/** Who is calling, as every guard and handler after authentication sees it. */
export interface Principal {
  id: string;
  email: string;
  name: string;
  type: 'API' | 'UI';
  isSuperadmin: boolean;
  isAdmin: boolean;
  /** Ids of the customers the user is mapped to (a superadmin may use every customer). */
  customerIds: ReadonlySet<string>;
  /** Set when the request came with an API key (spec §8.1): the key, and what it may do. */
  apiKey?: { id: string; scopes: readonly string[] };
}

export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest<{ user: Principal }>().user,
);

/** Spec §5: only `API` users may call §2–§4; a UI (organization) user gets 403. */
export function assertApiUser(principal: Principal): void {
  if (principal.type !== 'API') throw Errors.accessDenied();
}

/** The customer check of every entry point: a superadmin may use every customer. */
export function mayUseCustomer(principal: Principal, customerId: string): boolean {
  return principal.isSuperadmin || principal.customerIds.has(customerId);
}

/** The customers the principal may read, as repositories take them. */
export function scopeOf(principal: Principal): CustomerScope {
  return principal.isSuperadmin ? 'all' : principal.customerIds;
}

/** The row of a scoped lookup, or the contract's 404 (no such row) or 403 (another customer's). */
export function foundOrThrow<T>(result: Scoped<T>, notFound: string): T {
  if (result === 'missing') throw Errors.notFound(notFound);
  if (result === 'outside') throw Errors.accessDenied();
  return result.found;
}
