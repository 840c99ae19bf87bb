import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/**
 * Page state kept in the URL's query (filters, page, range): it survives a reload, can be shared
 * as a link, and Back steps through it. `set` changes some keys and drops empty ones; `replace`
 * keeps the change out of the history (for the page number, say).
 */
export function useSearch<K extends string>(): [
  (key: K) => string,
  (changes: Partial<Record<K, string | number | undefined>>, options?: { replace?: boolean }) => void,
] {
  const [params, setParams] = useSearchParams();
  const get = useCallback((key: K) => params.get(key) ?? '', [params]);
  const set = useCallback(
    (changes: Partial<Record<K, string | number | undefined>>, options: { replace?: boolean } = {}) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(changes) as [K, string | number | undefined][]) {
            if (value === undefined || value === '') next.delete(key);
            else next.set(key, String(value));
          }
          return next;
        },
        { replace: options.replace },
      );
    },
    [setParams],
  );
  return [get, set];
}
