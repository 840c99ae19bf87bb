import { useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';

import type { Me } from '../api/types';
import { useMe, useSession } from '../session';

/**
 * The frame of every signed-in page: a skip link, the navigation (the pages the user's roles
 * open), who is signed in, sign out.
 */
export function Layout() {
  const { signOut } = useSession();
  const me = useMe();
  const [signingOut, setSigningOut] = useState(false);
  const main = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const shown = useRef(pathname);
  // A new page (not a new filter of the same one) takes the focus to its content, as a page load
  // would for a screen reader; the first page keeps the browser's own start, the skip link.
  useEffect(() => {
    if (shown.current === pathname) return;
    shown.current = pathname;
    main.current?.focus({ preventScroll: false });
  }, [pathname]);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/alerts" className="brand">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          Sluice
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to="/alerts">Alerts</NavLink>
            </li>
            <li>
              <NavLink to="/adapters">Adapters</NavLink>
            </li>
            <li>
              <NavLink to="/topology">Topology</NavLink>
            </li>
            <li>
              <NavLink to="/metrics">Metrics</NavLink>
            </li>
            {mayConfigureChannels(me) && (
              <li>
                <NavLink to="/channels">Channels</NavLink>
              </li>
            )}
            <li>
              <NavLink to="/api-keys">API keys</NavLink>
            </li>
            {me.isSuperadmin && (
              <li>
                <NavLink to="/admin/failed-jobs">Failed jobs</NavLink>
              </li>
            )}
          </ul>
        </nav>
        <div className="who">
          <p className="who-id">
            <span className="who-name">{me.name || me.email}</span>
            <span className="who-detail">
              {me.name && me.name !== me.email && <span>{me.email}</span>}
              <span className="role">{roleOf(me)}</span>
            </span>
          </p>
          <button
            type="button"
            className="secondary"
            disabled={signingOut}
            onClick={() => {
              setSigningOut(true);
              void signOut().finally(() => setSigningOut(false));
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        <Outlet />
      </main>
    </>
  );
}

/**
 * A customer's channels are for superadmins and the customer's admins, API users both (the
 * gateway refuses UI users, superadmins too, as it does on the integration routes).
 */
function mayConfigureChannels(me: Me): boolean {
  return me.type === 'API' && (me.isSuperadmin || me.isAdmin);
}

/** "UI user", "API user, admin", "API user, superadmin". */
function roleOf(me: Me): string {
  const role = me.isSuperadmin ? 'superadmin' : me.isAdmin ? 'admin' : undefined;
  return [`${me.type} user`, role].filter(Boolean).join(', ');
}
