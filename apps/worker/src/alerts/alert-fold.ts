import type { AlertSnapshot, AlertState } from '@sluice/database';

export type { AlertSnapshot } from '@sluice/database';

/**
 * The alert state machine of spec §2.1, as a pure function: an alert (or none yet) and the
 * events that hit it, in order of `lastoccurrence`, give the alert's new state and the history
 * of what changed.
 *
 * - The first non-clear event opens the alert (OPEN, count 1).
 * - A later event counts (count + 1) and moves `lastoccurrence`; a different severity is
 *   recorded, keeping the previous one.
 * - A severity-0 (clear) event resolves an OPEN or ACKNOWLEDGED alert; the severity becomes 0.
 * - A non-clear event on a RESOLVED alert reopens it: OPEN again, and the count continues (the
 *   alert's `count` is every event it ever had; `firstoccurrence` stays the first ever).
 * - An event older than the alert's `lastoccurrence` (it arrived late) counts, but changes
 *   neither state nor severity: the newer event already decided those.
 * - A clear event for an alert that does not exist, or is resolved already, changes nothing.
 * - An acknowledging event (`acknowledge`) takes an OPEN alert to ACKNOWLEDGED and changes
 *   nothing else; on any other alert, or none, it changes nothing.
 */

export interface FoldEvent {
  ieventid: string;
  /** An acknowledgement (a PagerDuty-speaking sender's `acknowledge`): its severity is ignored. */
  acknowledge?: boolean;
  severity: number;
  firstoccurrence: number;
  lastoccurrence: number;
}

export interface HistoryEntry {
  kind: 'opened' | 'severity' | 'resolved' | 'reopened' | 'acknowledged';
  fromState: AlertState | null;
  toState: AlertState;
  fromSeverity: number | null;
  toSeverity: number;
  ieventid: string;
  at: number;
}

export interface FoldResult {
  alert: AlertSnapshot | undefined;
  history: HistoryEntry[];
  /** The alert was opened or reopened by these events (the ITSM notifier listens to this). */
  opened: boolean;
  /** The alert was resolved by these events. */
  resolved: boolean;
  /** The alert was acknowledged by these events. */
  acknowledged: boolean;
}

export function foldEvents(existing: AlertSnapshot | undefined, events: FoldEvent[]): FoldResult {
  const sorted = [...events].sort((a, b) => a.lastoccurrence - b.lastoccurrence);
  let alert = existing ? { ...existing } : undefined;
  const history: HistoryEntry[] = [];
  let opened = false;
  let resolved = false;
  let acknowledged = false;

  for (const e of sorted) {
    const entry = (kind: HistoryEntry['kind'], from: AlertSnapshot | undefined, to: AlertSnapshot) =>
      history.push({
        kind,
        fromState: from?.state ?? null,
        toState: to.state,
        fromSeverity: from?.severity ?? null,
        toSeverity: to.severity,
        ieventid: e.ieventid,
        at: e.lastoccurrence,
      });

    if (e.acknowledge) {
      // Acknowledges an OPEN alert and changes nothing else: no count, no severity, no time.
      if (alert?.state !== 'OPEN') continue;
      const before = { ...alert };
      alert = { ...alert, state: 'ACKNOWLEDGED' };
      entry('acknowledged', before, alert);
      acknowledged = true;
      continue;
    }

    if (!alert) {
      if (e.severity === 0) continue;
      alert = {
        severity: e.severity,
        previousSeverity: null,
        state: 'OPEN',
        count: 1,
        firstoccurrence: e.firstoccurrence,
        lastoccurrence: e.lastoccurrence,
        resolvedAt: null,
      };
      entry('opened', undefined, alert);
      opened = true;
      continue;
    }

    if (e.lastoccurrence < alert.lastoccurrence) {
      // A late event counts (also on a resolved alert, as it would have in one batch with the
      // clear); only a clear event on a resolved alert changes nothing, as below.
      if (alert.state !== 'RESOLVED' || e.severity !== 0) alert.count++;
      continue;
    }

    const before = { ...alert };
    if (alert.state === 'RESOLVED') {
      if (e.severity === 0) continue;
      alert = {
        ...alert,
        state: 'OPEN',
        previousSeverity: alert.severity,
        severity: e.severity,
        count: alert.count + 1,
        lastoccurrence: e.lastoccurrence,
        resolvedAt: null,
      };
      entry('reopened', before, alert);
      opened = true;
      resolved = false;
    } else if (e.severity === 0) {
      alert = {
        ...alert,
        state: 'RESOLVED',
        previousSeverity: alert.severity,
        severity: 0,
        count: alert.count + 1,
        lastoccurrence: e.lastoccurrence,
        resolvedAt: e.lastoccurrence,
      };
      entry('resolved', before, alert);
      resolved = true;
    } else {
      alert.count++;
      alert.lastoccurrence = e.lastoccurrence;
      if (e.severity !== alert.severity) {
        alert.previousSeverity = alert.severity;
        alert.severity = e.severity;
        entry('severity', before, alert);
      }
    }
  }
  return { alert, history, opened, resolved, acknowledged: acknowledged && alert?.state === 'ACKNOWLEDGED' };
}
