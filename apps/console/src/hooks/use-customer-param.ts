import { useEffect } from 'react';

import { useCustomers } from '../customers';
import { useSearch } from './use-search';

/**
 * For pages about one customer (topology, metrics, channels): the `customer` of the URL, or else
 * the one last picked (or the first known), written into the URL so the page can be linked to.
 */
export function useCustomerParam(): [string, (id: string) => void] {
  const [get, set] = useSearch<'customer'>();
  const { preferred } = useCustomers();
  const customer = get('customer');
  useEffect(() => {
    if (!customer && preferred) set({ customer: preferred }, { replace: true });
  }, [customer, preferred, set]);
  return [customer, (id: string) => set({ customer: id })];
}
