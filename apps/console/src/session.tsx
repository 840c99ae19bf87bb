import type { ReactNode } from 'react';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';

import type { Profile } from './api/client';
import { onProfile, onSessionExpired, signIn as apiSignIn, signOut as apiSignOut } from './api/client';

/**
 * Who is signed in. Only the user's name, email and role are kept (localStorage, so that every tab
 * agrees); the tokens live in HttpOnly cookies the page cannot read. A refresh that fails, in any
 * tab, signs the user out here with the reason shown on the sign-in page.
 */
interface Session {
  profile: Profile | null;
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

export function SessionProvider({ children }: { children: ReactNode }) {
  const [profile, setProfile] = useState<Profile | null>(stored);
  const [notice, setNotice] = useState<string | null>(null);
  const signedIn = useRef(profile !== null);
  useEffect(() => {
    signedIn.current = profile !== null;
  }, [profile]);

  useEffect(() => {
    const offExpired = onSessionExpired(() => {
      // A request still under way when the user signed out is not an expired session.
      if (!signedIn.current) return;
      store(null);
      setProfile(null);
      setNotice(EXPIRED_NOTICE);
    });
    const offProfile = onProfile((p) => {
      store(p);
      setProfile(p);
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
    }
  }, []);

  const value = useMemo(() => ({ profile, notice, signIn, signOut }), [profile, notice, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
