import { useSyncExternalStore } from 'react';

/** The time now, to the last 10 s: every relative time on the page moves on together. */
let now = Date.now();
const listeners = new Set<() => void>();
let ticker: number | undefined;
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (ticker === undefined) {
    // The clock stood still while nothing showed a time: the first to show one reads it anew.
    now = Date.now();
    ticker = window.setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 10_000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.clearInterval(ticker);
      ticker = undefined;
    }
  };
}
/** The time now (ms), to the last 10 s; components that use it render again as it moves on. */
export const useNow = () => useSyncExternalStore(subscribe, () => now);

/** An instant as "3 min ago", with the exact local time in a tooltip and for machines. */
export function Time({ at }: { at: string | null | undefined }) {
  const current = useNow();
  if (!at) return <span className="muted">—</span>;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return <span>{at}</span>;
  return (
    <time dateTime={date.toISOString()} title={date.toLocaleString()}>
      {relative(date.getTime(), current)}
    </time>
  );
}

export function relative(t: number, now: number): string {
  const s = Math.round((now - t) / 1000);
  const future = s < 0;
  const a = Math.abs(s);
  // Within the clock's 10 s step: a moment ago, or a moment "ahead" of the coarse clock.
  if (a < 10) return 'just now';
  const text =
    a < 45
      ? `${a} s`
      : a < 5400
        ? `${Math.round(a / 60)} min`
        : a < 129_600
          ? `${Math.round(a / 3600)} h`
          : `${Math.round(a / 86_400)} d`;
  return future ? `in ${text}` : `${text} ago`;
}

/** The exact local date and time. */
export function exact(at: string | null | undefined): string {
  return at ? new Date(at).toLocaleString() : '—';
}
