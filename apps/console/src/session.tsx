import type { ReactNode } from 'react';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';

import type { Profile } from './api/client';
import { api, onProfile, onSessionExpired, signIn as apiSignIn, signOut as apiSignOut } from './api/client';
import type { Me } from './api/types';

/**
 * Who is signed in. Only the user's name, email and role are kept (localStorage, so that every tab
 * agrees); the tokens live in HttpOnly cookies the page cannot read. A refresh that fails, in any
 * tab, signs the user out here with the reason shown on the sign-in page.
 *
 * Once a user is signed in (and on load, with a session from before), `GET /api/v1/user/me` is
 * read once: their type, roles and customers, for the navigation and the customer pickers. It is
 * read again after a token refresh (once per access token's life), not on the pages' polls.
 */
interface Session {
  profile: Profile | null;
  /** The user's answer of `GET /api/v1/user/me`; null until it has come (or when signed out). */
  me: Me | null;
  /** Why `GET /api/v1/user/me` failed, while there is no answer of it. */
  meError: unknown;
  /** Reads `GET /api/v1/user/me` again (after a failure). */
  reloadMe: () => void;
  /** Why the user was sent to the sign-in page, shown there. */
  notice: string | null;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const KEY = 'sluice.console.profile';
export const EXPIRED_NOTICE = 'Your session has expired — sign in again';

const SessionContext = createContext<Session | null>(null);

function stored(): Profile | null {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Profile | null;
    return value && typeof value.email === 'string' ? value : null;
  } catch {
    return null;
  }
}

function store(profile: Profile | null): void {
  if (profile) localStorage.setItem(KEY, JSON.stringify(profile));
  else localStorage.removeItem(KEY);
}

/** The last answer of `/me` (or its failure), for the user it was read for. */
interface Loaded {
  email: string;
  me?: Me;
  error?: unknown;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [profile, setProfile] = useState<Profile | null>(stored);
  const [notice, setNotice] = useState<string | null>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [round, setRound] = useState(0);
  const signedIn = useRef(profile !== null);
  const reading = useRef(false);
  useEffect(() => {
    signedIn.current = profile !== null;
  }, [profile]);

  const email = profile?.email;
  useEffect(() => {
    if (!email) return;
    let stopped = false;
    reading.current = true;
    api<Me>('/api/v1/user/me').then(
      (me) => {
        if (stopped) return;
        reading.current = false;
        setLoaded({ email, me });
      },
      (error: unknown) => {
        if (stopped) return;
        reading.current = false;
        // A failed re-read keeps the answer there is; the pages say on their own what fails.
        setLoaded((last) => (last?.email === email && last.me ? last : { email, error }));
      },
    );
    return () => {
      stopped = true;
      reading.current = false;
    };
  }, [email, round]);

  useEffect(() => {
    const offExpired = onSessionExpired(() => {
      // A request still under way when the user signed out is not an expired session.
      if (!signedIn.current) return;
      store(null);
      setProfile(null);
      setLoaded(null);
      setNotice(EXPIRED_NOTICE);
    });
    const offProfile = onProfile((p) => {
      store(p);
      setProfile(p);
      // A new token pair: roles and customers may have changed since /me was read (a read under
      // way, the one whose 401 led to this refresh, answers for the new token already).
      if (!reading.current) setRound((r) => r + 1);
    });
    // Another tab signed in or out.
    const onStorage = (e: StorageEvent) => {
      if (e.key === KEY) setProfile(stored());
    };
    window.addEventListener('storage', onStorage);
    return () => {
      offExpired();
      offProfile();
      window.removeEventListener('storage', onStorage);
    };
  }, []);

  const signIn = useCallback(async (email: string, password: string) => {
    const p = await apiSignIn(email, password);
    store(p);
    setNotice(null);
    setLoaded(null);
    setProfile(p);
  }, []);

  const signOut = useCallback(async () => {
    signedIn.current = false;
    try {
      await apiSignOut();
    } finally {
      store(null);
      setNotice('You have signed out.');
      setProfile(null);
      setLoaded(null);
    }
  }, []);

  const reloadMe = useCallback(() => setRound((r) => r + 1), []);

  const value = useMemo(() => {
    const mine = email !== undefined && loaded?.email === email ? loaded : undefined;
    return {
      profile,
      me: mine?.me ?? null,
      meError: mine?.me ? undefined : mine?.error,
      reloadMe,
      notice,
      signIn,
      signOut,
    };
  }, [profile, email, loaded, reloadMe, notice, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in user's `/me`, in the pages of a signed-in user (which wait for it). */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe before GET /api/v1/user/me has answered');
  return me;
}
