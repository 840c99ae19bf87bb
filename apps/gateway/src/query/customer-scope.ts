import { Errors } from '@sluice/common';

import type { Principal } from '../auth/principal';
import { mayUseCustomer, scopeOf } from '../auth/principal';
import type { CustomerScope } from '../persistence/customer-scope';

/**
 * Which customers a read may cover (spec §6; OWASP API1): the one asked for if the user may see
 * it (else 403), or every customer the user may see.
 */
export function customerScope(user: Principal, customerid: string | undefined): CustomerScope {
  if (customerid !== undefined) {
    if (!mayUseCustomer(user, customerid)) throw Errors.accessDenied();
    return new Set([customerid]);
  }
  return scopeOf(user);
}

/** The one customer a read names, if the user may see it (else 403). */
export function oneCustomer(user: Principal, customerid: string): string {
  if (!mayUseCustomer(user, customerid)) throw Errors.accessDenied();
  return customerid;
}
