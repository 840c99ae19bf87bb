import type { DependencyList } from 'react';
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  updatedAt: Date | undefined;
  reload: () => void;
}

/**
 * Loads `load` when `deps` change and again every `intervalMs` while the page is visible. The last
 * good answer stays on screen while the next one loads (so a table keeps its rows, its focus and
 * its scroll), the request of outdated deps is aborted, and a failed refresh keeps the data and
 * shows the error beside it. `intervalMs` 0 loads once per change of `deps`.
 */
export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList, intervalMs = 0): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [updatedAt, setUpdatedAt] = useState<Date>();
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    const controller = new AbortController();
    let timer: number | undefined;
    let stopped = false;
    const run = async () => {
      setLoading(true);
      try {
        const value = await loadRef.current(controller.signal);
        if (stopped) return;
        setData(value);
        setError(undefined);
        setUpdatedAt(new Date());
      } catch (err) {
        if (stopped || (err instanceof DOMException && err.name === 'AbortError')) return;
        setError(err);
      } finally {
        if (!stopped) setLoading(false);
      }
      if (!stopped && intervalMs > 0) timer = window.setTimeout(next, intervalMs);
    };
    const next = () => {
      if (document.visibilityState === 'visible') void run();
      else timer = window.setTimeout(next, intervalMs);
    };
    void run();
    return () => {
      stopped = true;
      controller.abort();
      window.clearTimeout(timer);
    };
    // The caller's deps decide when to load anew, as with useEffect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick, intervalMs]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, updatedAt, reload };
}
