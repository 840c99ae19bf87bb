import type { FormEvent } from 'react';
import { useId, useState } from 'react';
import { Link, useParams } from 'react-router';

import { api, query } from '../api/client';
import { describeError } from '../api/errors';
import type { Alert, AlertAction, AlertState, AlertWithHistory, HistoryEntry } from '../api/types';
import { SEVERITY_NAMES } from '../api/types';
import { SeverityBadge, StateBadge, stateWord } from '../components/badges';
import { ErrorNotice, Notice } from '../components/notice';
import { exact, Time } from '../components/time';
import { usePoll } from '../hooks/use-poll';
import { useTitle } from '../hooks/use-title';

const REFRESH_MS = 5000;

/** Spec §10: which actions apply in which state (the others would be a 409). */
const ACTIONS: Record<AlertState, { action: Exclude<AlertAction, 'note'>; label: string; done: string }[]> = {
  OPEN: [
    { action: 'ack', label: 'Acknowledge', done: 'Acknowledged' },
    { action: 'resolve', label: 'Resolve', done: 'Resolved' },
  ],
  ACKNOWLEDGED: [
    { action: 'unack', label: 'Unacknowledge', done: 'Unacknowledged' },
    { action: 'resolve', label: 'Resolve', done: 'Resolved' },
  ],
  RESOLVED: [{ action: 'reopen', label: 'Reopen', done: 'Reopened' }],
};

/** One alert: its fields, the actions that apply now, and its history as a timeline. */
export function AlertPage() {
  const { id = '' } = useParams();
  const detail = usePoll(
    (signal) => api<AlertWithHistory>(`/api/v1/alerts/${encodeURIComponent(id)}`, { signal }),
    [id],
    REFRESH_MS,
  );
  const alert = detail.data;
  useTitle(alert ? `${alert.entity} · ${alert.parametername ?? alert.parameterid}` : 'Alert');
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (action: AlertAction, done: string, note?: string): Promise<boolean> => {
    setBusy(true);
    setOutcome(null);
    try {
      await api<Alert>(`/api/v1/alerts/${encodeURIComponent(id)}/actions`, {
        method: 'POST',
        body: note === undefined ? { action } : { action, note },
      });
      setOutcome({ tone: 'success', text: `${done}.` });
      detail.reload();
      return true;
    } catch (err) {
      setOutcome({
        tone: 'error',
        text: describeError(err, {
          forbidden: 'You may not act on alerts of this customer',
          notFound: 'The alert, or its actions, could not be found',
        }),
      });
      return false;
    } finally {
      setBusy(false);
    }
  };

  if (!alert) {
    return (
      <>
        <p>
          <Link to="/alerts">← Alerts</Link>
        </p>
        <h1>Alert</h1>
        <ErrorNotice
          error={detail.error}
          wording={{ forbidden: 'You have no access to the customer of this alert', notFound: 'No such alert' }}
        />
        {!detail.error && <p className="muted">Loading…</p>}
      </>
    );
  }

  return (
    <>
      <p>
        <Link to={`/alerts${query({ customer: alert.envcustomerid })}`}>← Alerts of {alert.envcustomerid}</Link>
      </p>
      <div className="page-head">
        <h1>
          {alert.entity} · {alert.parametername ?? alert.parameterid}
          {alert.splitby ? ` (${alert.splitby})` : ''}
        </h1>
        <div className="badges">
          <SeverityBadge severity={alert.severity} />
          <StateBadge state={alert.state} />
        </div>
      </div>
      {alert.description && <p className="lead">{alert.description}</p>}
      <ErrorNotice error={detail.error} />

      <section aria-labelledby="actions-title" className="card actions">
        <h2 id="actions-title">Actions</h2>
        {outcome && <Notice tone={outcome.tone}>{outcome.text}</Notice>}
        <div className="buttons">
          {ACTIONS[alert.state].map(({ action, label, done }) => (
            <button
              key={action}
              type="button"
              className={action === 'resolve' ? 'primary' : undefined}
              disabled={busy}
              onClick={() => void act(action, done)}
            >
              {label}
            </button>
          ))}
        </div>
        <NoteForm busy={busy} onNote={(note) => act('note', 'Note added', note)} />
      </section>

      <div className="columns">
        <section aria-labelledby="fields-title" className="card">
          <h2 id="fields-title">Fields</h2>
          <dl className="fields">
            <dt>Customer</dt>
            <dd>{alert.envcustomerid}</dd>
            <dt>Entity</dt>
            <dd>
              {alert.entity} (<code>{alert.entityid}</code>) ·{' '}
              <Link to={`/topology${query({ customer: alert.envcustomerid })}`}>topology</Link>
            </dd>
            <dt>Parameter</dt>
            <dd>
              {alert.parametercategory ? `${alert.parametercategory} / ` : ''}
              <code>{alert.parameterid}</code> ·{' '}
              <Link
                to={`/metrics${query({ customer: alert.envcustomerid, entity: alert.entityid, parameter: alert.parameterid })}`}
              >
                metric chart
              </Link>
            </dd>
            {alert.splitby && (
              <>
                <dt>Split by</dt>
                <dd>{alert.splitby}</dd>
              </>
            )}
            <dt>Severity</dt>
            <dd>
              {alert.severity} ({SEVERITY_NAMES[alert.severity]})
              {alert.previousSeverity != null && alert.previousSeverity !== alert.severity
                ? `, was ${SEVERITY_NAMES[alert.previousSeverity]}`
                : ''}
            </dd>
            <dt>Count</dt>
            <dd>{alert.count}</dd>
            <dt>First seen</dt>
            <dd>{exact(alert.firstoccurrence)}</dd>
            <dt>Last seen</dt>
            <dd>
              {exact(alert.lastoccurrence)} (<Time at={alert.lastoccurrence} />)
            </dd>
            {alert.resolvedAt && (
              <>
                <dt>Resolved</dt>
                <dd>{exact(alert.resolvedAt)}</dd>
              </>
            )}
            {alert.source && (
              <>
                <dt>Source</dt>
                <dd>{alert.source}</dd>
              </>
            )}
            <dt>Ticket</dt>
            <dd>{alert.ticket ? (alert.ticket.number ?? alert.ticket.sysid) : '—'}</dd>
            <dt>Id</dt>
            <dd>
              <code>{alert.id}</code>
            </dd>
          </dl>
        </section>

        <section aria-labelledby="history-title" className="card">
          <h2 id="history-title">History</h2>
          {alert.history.length === 0 ? (
            <p className="muted">No history yet.</p>
          ) : (
            <ol className="timeline">
              {[...alert.history].reverse().map((entry, i) => (
                <HistoryItem key={`${entry.at}-${entry.kind}-${i}`} entry={entry} />
              ))}
            </ol>
          )}
          <p className="muted small">Newest first.</p>
        </section>
      </div>
    </>
  );
}

function NoteForm({ busy, onNote }: { busy: boolean; onNote: (note: string) => Promise<boolean> }) {
  const id = useId();
  const [note, setNote] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (note.trim() && (await onNote(note.trim()))) setNote('');
  };
  return (
    <form className="note-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor={id}>Note</label>
      <textarea id={id} name="note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} required />
      <button type="submit" disabled={busy || !note.trim()}>
        Add note
      </button>
    </form>
  );
}

/** What a history row's `kind` means, in words. */
const KIND_WORDS: Record<string, string> = {
  opened: 'Opened',
  severity: 'Severity changed',
  resolved: 'Resolved',
  reopened: 'Reopened',
  acknowledged: 'Acknowledged',
  unacknowledged: 'Unacknowledged',
  note: 'Note',
  ticket: 'Ticket',
  notifyError: 'Ticket call failed',
  itsm: 'ITSM update',
  channel: 'Channel delivery',
  action: 'Action',
};

function kindClass(kind: string): string {
  if (kind === 'channel') return 'delivery';
  if (kind === 'ticket' || kind === 'itsm' || kind === 'notifyError') return 'ticket';
  if (kind === 'note') return 'note';
  if (kind === 'severity') return 'severity';
  return 'state';
}

function HistoryItem({ entry }: { entry: HistoryEntry }) {
  const changes: string[] = [];
  if (entry.toState && entry.fromState !== entry.toState) {
    changes.push(`${entry.fromState ? `${stateWord(entry.fromState)} → ` : ''}${stateWord(entry.toState)}`);
  }
  if (entry.toSeverity !== null && entry.fromSeverity !== entry.toSeverity) {
    const from = entry.fromSeverity !== null ? `${SEVERITY_NAMES[entry.fromSeverity]} → ` : '';
    changes.push(`severity ${from}${SEVERITY_NAMES[entry.toSeverity]}`);
  }
  return (
    <li className={`tl-${kindClass(entry.kind)}`}>
      <div className="tl-head">
        <strong>{KIND_WORDS[entry.kind] ?? entry.kind}</strong>
        <span className="muted">
          {' '}
          · {exact(entry.at)}
          {entry.actor ? ` · by ${entry.actor}` : ''}
          {entry.source ? ` · via ${entry.source}` : ''}
        </span>
      </div>
      <div className="tl-body">
        {changes.join(' · ')}
        {entry.ieventid && (
          <span className="muted">
            {changes.length > 0 ? ' · ' : ''}event <code>{entry.ieventid}</code>
          </span>
        )}
        {entry.note && <p className="tl-text">{entry.note}</p>}
      </div>
    </li>
  );
}
