import type { ReactNode } from 'react';
import { createContext, useCallback, useContext, useMemo, useState } from 'react';

import type { Customer } from './api/types';
import { ME_CUSTOMERS_LIMIT } from './api/types';
import { useMe } from './session';

/**
 * The customers the user may see, as `GET /api/v1/user/me` lists them (a superadmin's: every
 * customer, up to the first ME_CUSTOMERS_LIMIT), and the one last picked (kept in this browser),
 * for the pages about one customer.
 */
interface Customers {
  customers: Customer[];
  /**
   * A superadmin whose list is full may have more customers than it holds: they may type any
   * customer id. Everyone else picks from the list.
   */
  typing: boolean;
  /** The customer for a page that needs one: the one last picked, or else the first active one. */
  preferred: string | undefined;
  remember: (id: string) => void;
}

const KEY = 'sluice.console.customer';
const CustomersContext = createContext<Customers | null>(null);

function pickedBefore(): string | undefined {
  try {
    return localStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function CustomersProvider({ children }: { children: ReactNode }) {
  const me = useMe();
  const [picked, setPicked] = useState<string | undefined>(pickedBefore);

  const remember = useCallback((id: string) => {
    if (!id) return;
    localStorage.setItem(KEY, id);
    setPicked(id);
  }, []);

  const value = useMemo(() => {
    const customers = me.customers;
    const typing = me.isSuperadmin && customers.length >= ME_CUSTOMERS_LIMIT;
    // The last pick may be another user's (the same browser): only one of this user's counts.
    const mine = picked !== undefined && (typing || customers.some((c) => c.id === picked));
    const preferred = mine ? picked : (customers.find((c) => c.active) ?? customers[0])?.id;
    return { customers, typing, preferred, remember };
  }, [me, picked, remember]);

  return <CustomersContext.Provider value={value}>{children}</CustomersContext.Provider>;
}

export function useCustomers(): Customers {
  const value = useContext(CustomersContext);
  if (!value) throw new Error('useCustomers outside CustomersProvider');
  return value;
}

/** A customer as the pickers name it: its name and id, and whether it is inactive. */
export function customerLabel(customer: Customer): string {
  const name = customer.name && customer.name !== customer.id ? `${customer.name} (${customer.id})` : customer.id;
  return customer.active ? name : `${name} — inactive`;
}
