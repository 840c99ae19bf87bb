import type { FormEvent, RefObject } from 'react';
import { useEffect, useId, useRef, useState } from 'react';

import { api, ApiError, query } from '../api/client';
import { describeError } from '../api/errors';
import type { ApiKey, ApiKeyScope, CreatedApiKey, Page } from '../api/types';
import { API_KEY_SCOPES } from '../api/types';
import { ErrorNotice, Notice } from '../components/notice';
import { Pager } from '../components/pager';
import { exact, Time, useNow } from '../components/time';
import { usePoll } from '../hooks/use-poll';
import { useSearch } from '../hooks/use-search';
import { useTitle } from '../hooks/use-title';

const SIZE = 25;
const KEYS = '/api/v1/apikeys';

/** What each scope opens, in words (spec §8.1). */
const SCOPE_WORDS: Record<ApiKeyScope, string> = {
  publish: 'send events, metrics, topology and heartbeats (POST /publish/…, the ingest adapters)',
  read: 'read alerts, events, metrics, topology and adapters (the read API)',
};

/**
 * Spec §8.1: the signed-in user's API keys, newest first (the key itself is never listed), one
 * made with a name, its scopes and an optional expiry, and any revoked after a confirmation. A new
 * key is shown once, in this page's memory only: it is gone once dismissed or the page is left.
 */
export function ApiKeysPage() {
  useTitle('API keys');
  const [get, set] = useSearch<'page'>();
  const page = Math.max(1, Number(get('page')) || 1);
  const url = `${KEYS}${query({ pageNum: page, itemsPerPage: SIZE })}`;
  const keys = usePoll((signal) => api<Page<ApiKey>>(url, { signal }), [url], 30_000);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const focusAfter = useRef<HTMLElement | null>(null);
  const nameField = useRef<HTMLInputElement>(null);
  const listTitle = useRef<HTMLHeadingElement>(null);

  // A page kept in the browser's back-forward cache keeps no key: it is dropped as the page is left.
  useEffect(() => {
    const forget = () => setCreated(null);
    window.addEventListener('pagehide', forget);
    return () => window.removeEventListener('pagehide', forget);
  }, []);

  // The dialog closed (and the page behind it is no longer inert): the focus goes back.
  useEffect(() => {
    if (revoking || !focusAfter.current) return;
    focusAfter.current.focus();
    focusAfter.current = null;
  }, [revoking]);

  const rows = keys.data?.results ?? [];
  return (
    <>
      <div className="page-head">
        <h1>API keys</h1>
        <p className="muted">
          A key lets a tool publish or read as you without signing in: send it as{' '}
          <code>Authorization: Bearer slk_…</code> or <code>X-API-Key</code>.
        </p>
      </div>

      {created && (
        <NewKey
          created={created}
          onDismiss={() => {
            setCreated(null);
            nameField.current?.focus();
          }}
        />
      )}

      <CreateKeyForm
        nameField={nameField}
        onCreated={(key) => {
          setOutcome(null);
          setCreated(key);
          // The new key heads the list (newest first).
          if (page > 1) set({ page: undefined }, { replace: true });
          else keys.reload();
        }}
      />

      <section aria-labelledby="keys-title">
        <h2 id="keys-title" tabIndex={-1} ref={listTitle}>
          Your keys
        </h2>
        <ErrorNotice error={keys.error} />
        {outcome && <Notice tone={outcome.tone}>{outcome.text}</Notice>}
        <div className="table-wrap" aria-busy={keys.loading && !keys.data}>
          <table className="data api-keys">
            <caption className="visually-hidden">Your API keys, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Revoke</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((key) => (
                <tr key={key.id}>
                  <td>{key.name}</td>
                  <td>
                    <span className="scopes">
                      {key.scopes.map((scope) => (
                        <span key={scope} className="badge scope">
                          {scope}
                        </span>
                      ))}
                    </span>
                  </td>
                  <td title={exact(key.createdAt)}>
                    <Time at={key.createdAt} />
                  </td>
                  <td>
                    <Expiry at={key.expiresAt} />
                  </td>
                  <td>{key.lastUsedAt ? <Time at={key.lastUsedAt} /> : <span className="muted">Never</span>}</td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      onClick={(e) => {
                        opener.current = e.currentTarget;
                        setOutcome(null);
                        setRevoking(key);
                      }}
                    >
                      Revoke<span className="visually-hidden"> key {key.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {keys.data && rows.length === 0 && (
            <p className="empty">{page > 1 ? 'No keys on this page.' : 'You have no API keys.'}</p>
          )}
          {!keys.data && keys.loading && <p className="muted">Loading your keys…</p>}
        </div>
        <Pager
          label="API keys"
          page={page}
          size={SIZE}
          total={keys.data?.totalCount ?? 0}
          onPage={(p) => set({ page: p }, { replace: true })}
        />
      </section>

      {revoking && (
        <RevokeDialog
          key={revoking.id}
          apiKey={revoking}
          onCancel={() => {
            focusAfter.current = opener.current;
            setRevoking(null);
          }}
          onDone={(result) => {
            // The key's row (and its button) is gone: the list takes the focus.
            focusAfter.current = listTitle.current;
            setRevoking(null);
            setOutcome(result);
            keys.reload();
          }}
        />
      )}
    </>
  );
}

/** A key's expiry: a date, "Never", or marked expired (an expired key is refused, still listed). */
function Expiry({ at }: { at: string | null }) {
  const now = useNow();
  if (!at) return <span className="muted">Never</span>;
  const date = new Date(at);
  return (
    <>
      <time dateTime={date.toISOString()} title={date.toLocaleString()}>
        {date.toLocaleDateString(undefined, { dateStyle: 'medium' })}
      </time>
      {date.getTime() <= now && <span className="badge outcome-bad expired">Expired</span>}
    </>
  );
}

/** `yyyy-mm-dd` of a local date, as a date field takes it. */
function dateValue(t: number): string {
  const d = new Date(t);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/** The end of a local `yyyy-mm-dd` day, as the API takes it: a key is good through that day. */
function endOfDay(value: string): string {
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y, m - 1, d, 23, 59, 59).toISOString();
}

function CreateKeyForm({
  nameField,
  onCreated,
}: {
  nameField: RefObject<HTMLInputElement | null>;
  onCreated: (key: CreatedApiKey) => void;
}) {
  const id = useId();
  const now = useNow();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>([]);
  const [expires, setExpires] = useState('');
  const [noScope, setNoScope] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const firstScope = useRef<HTMLInputElement>(null);

  const toggle = (scope: ApiKeyScope, on: boolean) => {
    setScopes((current) => API_KEY_SCOPES.filter((s) => (s === scope ? on : current.includes(s))));
    if (on) setNoScope(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    if (scopes.length === 0) {
      setNoScope(true);
      firstScope.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const body = { name, scopes, ...(expires ? { expiresAt: endOfDay(expires) } : {}) };
      const key = await api<CreatedApiKey>(KEYS, { method: 'POST', body });
      setName('');
      setScopes([]);
      setExpires('');
      onCreated(key);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Create a key</h2>
      {error !== undefined && <Notice tone="error">{describeError(error)}</Notice>}
      <form className="key-form" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            ref={nameField}
            name="name"
            value={name}
            required
            maxLength={200}
            placeholder="e.g. alertmanager-prod"
            autoComplete="off"
            spellCheck={false}
            aria-describedby={`${id}-name-help`}
            onChange={(e) => setName(e.target.value)}
          />
          <span id={`${id}-name-help`} className="muted small">
            What the key is for, shown in the list.
          </span>
        </div>
        <fieldset className="scope-choice" aria-describedby={noScope ? `${id}-scope-error` : undefined}>
          <legend>Scopes</legend>
          {API_KEY_SCOPES.map((scope, i) => (
            <label key={scope}>
              <input
                ref={i === 0 ? firstScope : undefined}
                type="checkbox"
                name="scopes"
                value={scope}
                checked={scopes.includes(scope)}
                aria-invalid={noScope || undefined}
                onChange={(e) => toggle(scope, e.target.checked)}
              />{' '}
              <strong>{scope}</strong>: {SCOPE_WORDS[scope]}
            </label>
          ))}
          {noScope && (
            <p id={`${id}-scope-error`} className="field-error" role="alert">
              Choose at least one scope.
            </p>
          )}
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-expires`}>Expires (optional)</label>
          <input
            id={`${id}-expires`}
            type="date"
            name="expires"
            value={expires}
            min={dateValue(now)}
            aria-describedby={`${id}-expires-help`}
            onChange={(e) => setExpires(e.target.value)}
          />
          <span id={`${id}-expires-help`} className="muted small">
            Good through the end of that day; empty for a key that does not expire.
          </span>
        </div>
        <div>
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The new key, shown this once (the API never answers it again), with a copy button. */
function NewKey({ created, onDismiss }: { created: CreatedApiKey; onDismiss: () => void }) {
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);

  // Shown: the key has the focus, selected, ready to copy.
  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, [created.key]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('yes');
    } catch {
      field.current?.focus();
      field.current?.select();
      setCopied('no');
    }
  };

  return (
    <section className="card new-key" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>New API key “{created.name}”</h2>
      <Notice tone="info">
        <strong>Copy this key now: it will not be shown again.</strong> Sluice keeps only its hash; if it is lost,
        revoke it and create another.
      </Notice>
      <div className="key-copy">
        <label htmlFor={`${id}-key`} className="visually-hidden">
          The new key
        </label>
        <input
          id={`${id}-key`}
          ref={field}
          readOnly
          value={created.key}
          autoComplete="off"
          spellCheck={false}
          onFocus={(e) => e.target.select()}
        />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="secondary" onClick={onDismiss}>
          Done
        </button>
      </div>
      <p className="muted small" role="status">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'no'
            ? 'The browser did not let the page copy: the key is selected, copy it with Ctrl+C (⌘C).'
            : ''}
      </p>
    </section>
  );
}

/**
 * Confirms a revocation in a modal dialog (the page behind it inert): Cancel or Escape keeps the
 * key; either way the dialog's close tells the page once.
 */
function RevokeDialog({
  apiKey,
  onCancel,
  onDone,
}: {
  apiKey: ApiKey;
  onCancel: () => void;
  onDone: (result: { tone: 'success' | 'error'; text: string }) => void;
}) {
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const settled = useRef(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    // The safe choice has the focus: Enter twice does not revoke.
    cancel.current?.focus();
    return () => {
      settled.current = true;
      d?.close();
    };
  }, []);

  const done = (result: { tone: 'success' | 'error'; text: string }) => {
    settled.current = true;
    onDone(result);
  };

  const revoke = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api<void>(`${KEYS}/${encodeURIComponent(apiKey.id)}`, { method: 'DELETE' });
      done({ tone: 'success', text: `Revoked “${apiKey.name}”: the gateway refuses it from now on.` });
    } catch (err) {
      // Revoked already (in another tab, say): the list is what changed.
      if (err instanceof ApiError && err.status === 404) {
        done({ tone: 'success', text: `“${apiKey.name}” was revoked already.` });
        return;
      }
      setError(err);
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      className="confirm"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      onCancel={(e) => {
        // Escape waits for a revocation under way (where the browser lets the page say so).
        if (busy) e.preventDefault();
      }}
      onClose={() => {
        if (settled.current) return;
        settled.current = true;
        onCancel();
      }}
    >
      <h2 id={`${id}-title`}>Revoke the API key “{apiKey.name}”?</h2>
      <p id={`${id}-text`}>
        Every tool that uses it is refused (401) at once. This cannot be undone; a new key would have to be created and
        configured.
      </p>
      <ErrorNotice error={error} />
      <div className="buttons">
        <button
          type="button"
          ref={cancel}
          className="secondary"
          disabled={busy}
          onClick={() => dialog.current?.close()}
        >
          Cancel
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => void revoke()}>
          {busy ? 'Revoking…' : 'Revoke key'}
        </button>
      </div>
    </dialog>
  );
}
