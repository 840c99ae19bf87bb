/**
 * The customers a caller may read or act for: every one (a superadmin), or these. Every
 * tenant-scoped repository method takes one, so that a query without a tenant filter cannot be
 * written by accident.
 */
export type CustomerScope = 'all' | ReadonlySet<string>;

export const inScope = (scope: CustomerScope, customerId: string): boolean => scope === 'all' || scope.has(customerId);

/** A Prisma `where` fragment for a scope (no filter for 'all'). */
export const scopeWhere = (scope: CustomerScope) => (scope === 'all' ? {} : { envcustomerid: { in: [...scope] } });

/**
 * A row looked up by its own id, judged against a scope: 'missing' and 'outside' stay apart, so
 * that the caller answers 404 and 403 as the contract orders them.
 */
export type Scoped<T> = { found: T } | 'missing' | 'outside';

export function scoped<T extends { envcustomerid: string }>(row: T | null, scope: CustomerScope): Scoped<T> {
  if (!row) return 'missing';
  return inScope(scope, row.envcustomerid) ? { found: row } : 'outside';
}
