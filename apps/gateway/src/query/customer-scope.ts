import { Errors } from '@sluice/common';
import { mayUseCustomer, Principal } from '../auth/principal';

/**
 * Which customers a read may cover, for a SQL filter (spec §6; OWASP API1): the one asked for if
 * the user may see it (else 403), or every customer the user is mapped to. `undefined` means no
 * filter: a superadmin asking for all.
 */
export function customerScope(user: Principal, customerid: string | undefined): string[] | undefined {
  if (customerid !== undefined) {
    if (!mayUseCustomer(user, customerid)) throw Errors.accessDenied();
    return [customerid];
  }
  return user.isSuperadmin ? undefined : [...user.customerIds];
}

/** A Prisma `where` fragment for a customer scope. */
export const scopeWhere = (scope: string[] | undefined) => (scope ? { envcustomerid: { in: scope } } : {});
