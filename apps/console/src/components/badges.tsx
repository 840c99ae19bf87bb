import type { AdapterStatus, AlertState } from '../api/types';
import { SEVERITY_NAMES } from '../api/types';

/** Spec §2.1's severity as a coloured badge that also says it in words (colour is never alone). */
export function SeverityBadge({ severity }: { severity: number }) {
  const name = SEVERITY_NAMES[severity] ?? `severity ${severity}`;
  return (
    <span className={`badge sev-${severity}`} title={`Severity ${severity}: ${name}`}>
      <span aria-hidden="true" className="badge-mark">
        {SEVERITY_MARKS[severity] ?? '•'}
      </span>
      {name}
    </span>
  );
}

const SEVERITY_MARKS = ['✓', '?', '!', '!', '!!', '!!!'];

const STATE_WORDS: Record<AlertState, string> = { OPEN: 'Open', ACKNOWLEDGED: 'Acknowledged', RESOLVED: 'Resolved' };

export function StateBadge({ state }: { state: AlertState }) {
  return <span className={`badge state-${state.toLowerCase()}`}>{STATE_WORDS[state] ?? state}</span>;
}

export function stateWord(state: AlertState): string {
  return STATE_WORDS[state] ?? state;
}

const STATUS_WORDS: Record<AdapterStatus, string> = { UP: 'Up', DOWN: 'Down', DEGRADED: 'Degraded', STALE: 'Stale' };

export function AdapterStatusBadge({ status }: { status: AdapterStatus }) {
  return <span className={`badge status-${status.toLowerCase()}`}>{STATUS_WORDS[status] ?? status}</span>;
}

/** A delivery's or a job's status word, coloured by how it went. */
export function OutcomeBadge({ status }: { status: string }) {
  const tone = /DELIVERED|SENT|OK/i.test(status) ? 'good' : /PENDING|RETRY/i.test(status) ? 'wait' : 'bad';
  return <span className={`badge outcome-${tone}`}>{status}</span>;
}
