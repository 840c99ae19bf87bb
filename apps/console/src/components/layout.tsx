import { useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';

import { useSession } from '../session';

/** The frame of every signed-in page: a skip link, the navigation, who is signed in, sign out. */
export function Layout() {
  const { profile, signOut } = useSession();
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
            <li>
              <NavLink to="/channels">Channels</NavLink>
            </li>
            {profile?.isSuperadmin && (
              <li>
                <NavLink to="/admin/failed-jobs">Failed jobs</NavLink>
              </li>
            )}
          </ul>
        </nav>
        <div className="who">
          <span title={profile?.email}>
            {profile?.name}
            {profile?.isSuperadmin && <span className="role"> (superadmin)</span>}
          </span>
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
