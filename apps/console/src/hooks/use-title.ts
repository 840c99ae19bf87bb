import { useEffect } from 'react';

/** The page's name in the browser's tab (and what a screen reader announces on navigation). */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Sluice console`;
  }, [title]);
}
