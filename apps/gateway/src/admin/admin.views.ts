import type { Customer, User } from '@sluice/database';

/** Spec §5: what the admin API shows of a customer and a user (never a password or its hash). */
export const customerView = (c: Customer) => ({
  id: c.id,
  name: c.name,
  active: c.active,
  organizationId: c.organizationId,
});

export const userView = (u: User & { customers: { customerId: string }[] }) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  type: u.type,
  isSuperadmin: u.isSuperadmin,
  isAdmin: u.isAdmin,
  disabled: u.disabled,
  customers: u.customers.map((c) => c.customerId).sort(),
});
