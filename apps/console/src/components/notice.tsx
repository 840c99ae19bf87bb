import type { ReactNode } from 'react';

import type { ErrorWording } from '../api/errors';
import { describeError } from '../api/errors';

/** A message box: errors are announced to screen readers at once (role=alert), notes politely. */
export function Notice({ tone, children }: { tone: 'error' | 'info' | 'success'; children: ReactNode }) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function ErrorNotice({ error, wording }: { error: unknown; wording?: ErrorWording }) {
  if (!error) return null;
  return <Notice tone="error">{describeError(error, wording)}</Notice>;
}
