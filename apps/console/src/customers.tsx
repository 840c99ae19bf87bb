import type { ReactNode } from 'react';
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';

import { api } from './api/client';
import type { Adapter, Alert, Customer, Page } from './api/types';
import { useSession } from './session';

/**
 * The customers the user may see. A superadmin's come from the admin list (spec §5). The API has
 * no route that lists the customers of any other user, so for them the console gathers the
 * customers of the alerts and adapters it may read (every read is scoped to the user's customers
 * by the gateway), plus those the user typed in before (kept in this browser).
 */
interface Customers {
  customers: Customer[];
  /** The customer the user last picked, for pages that need one. */
  preferred: string | undefined;
  remember: (id: string) => void;
}

const KEY = 'sluice.console.customers';
const CustomersContext = createContext<Customers | null>(null);

function typedBefore(): string[] {
  try {
    const ids = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

async function visibleCustomers(isSuperadmin: boolean): Promise<Customer[]> {
  if (isSuperadmin) {
    const page = await api<Page<Customer>>('/api/v1/admin/customers?itemsPerPage=500');
    return page.results;
  }
  const [alerts, adapters] = await Promise.all([
    api<Page<Alert>>('/api/v1/alerts?itemsPerPage=500'),
    api<Page<Adapter>>('/api/v1/adapters?itemsPerPage=500'),
  ]);
  const ids = new Set([...alerts.results, ...adapters.results].map((r) => r.envcustomerid));
  return [...ids].map((id) => ({ id, name: id }));
}

export function CustomersProvider({ children }: { children: ReactNode }) {
  const { profile } = useSession();
  const [found, setFound] = useState<Customer[]>([]);
  const [typed, setTyped] = useState<string[]>(typedBefore);

  useEffect(() => {
    if (!profile) return;
    let stopped = false;
    visibleCustomers(profile.isSuperadmin).then(
      (list) => !stopped && setFound(list),
      () => undefined, // The pages show their own errors; the list is only a help.
    );
    return () => {
      stopped = true;
    };
  }, [profile]);

  const remember = useCallback((id: string) => {
    setTyped((ids) => {
      if (!id || ids[0] === id) return ids;
      const next = [id, ...ids.filter((x) => x !== id)].slice(0, 20);
      localStorage.setItem(KEY, JSON.stringify(next));
      return next;
    });
  }, []);

  const value = useMemo(() => {
    const byId = new Map(found.map((c) => [c.id, c]));
    for (const id of typed) if (!byId.has(id)) byId.set(id, { id, name: id });
    const customers = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
    return { customers, preferred: typed[0] ?? customers[0]?.id, remember };
  }, [found, typed, remember]);

  return <CustomersContext.Provider value={value}>{children}</CustomersContext.Provider>;
}

export function useCustomers(): Customers {
  const value = useContext(CustomersContext);
  if (!value) throw new Error('useCustomers outside CustomersProvider');
  return value;
}
