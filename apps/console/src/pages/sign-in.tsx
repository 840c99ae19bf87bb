import type { FormEvent } from 'react';
import { useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';

import { ApiError } from '../api/client';
import { describeError } from '../api/errors';
import { Notice } from '../components/notice';
import { useTitle } from '../hooks/use-title';
import { EXPIRED_NOTICE, useSession } from '../session';

/** Spec §1: email and password, exchanged for the session's cookies. */
export function SignInPage() {
  useTitle('Sign in');
  const { profile, notice, signIn } = useSession();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const next = params.get('next');
  // Only a path of this console, never another site.
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/alerts';
  if (profile) return <Navigate to={target} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? `${err.message}. Check the email and password.`
          : describeError(err),
      );
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title" className="card">
        <h1 id="sign-in-title">
          <img src="/favicon.svg" alt="" width={28} height={28} /> Sign in to Sluice
        </h1>
        {notice && <Notice tone={notice === EXPIRED_NOTICE ? 'error' : 'info'}>{notice}</Notice>}
        {error && <Notice tone="error">{error}</Notice>}
        <div className="field">
          <label htmlFor="email">Email</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
