import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';

import { Layout } from './components/layout';
import { ErrorNotice } from './components/notice';
import { CustomersProvider } from './customers';
import { AdaptersPage } from './pages/adapters';
import { AlertPage } from './pages/alert';
import { AlertsPage } from './pages/alerts';
import { ApiKeysPage } from './pages/api-keys';
import { ChannelsPage } from './pages/channels';
import { FailedJobsPage } from './pages/failed-jobs';
import { NotFoundPage } from './pages/not-found';
import { SignInPage } from './pages/sign-in';
import { SessionProvider, useSession } from './session';

// The pages that draw with ECharts load it with them: sign-in and the alert list do not wait for it.
const TopologyPage = lazy(() => import('./pages/topology'));
const MetricsPage = lazy(() => import('./pages/metrics'));

export function App() {
  return (
    <SessionProvider>
      <BrowserRouter>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route element={<SignedIn />}>
            <Route index element={<Navigate to="/alerts" replace />} />
            <Route path="alerts" element={<AlertsPage />} />
            <Route path="alerts/:id" element={<AlertPage />} />
            <Route path="adapters" element={<AdaptersPage />} />
            <Route path="topology" element={<Lazy page={<TopologyPage />} />} />
            <Route path="metrics" element={<Lazy page={<MetricsPage />} />} />
            <Route path="channels" element={<ChannelsPage />} />
            <Route path="api-keys" element={<ApiKeysPage />} />
            <Route path="admin/failed-jobs" element={<FailedJobsPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </SessionProvider>
  );
}

/**
 * Signed-in pages, once `GET /api/v1/user/me` has said who the user is (their roles decide the
 * navigation, their customers the pickers); anyone else goes to the sign-in page, which brings
 * them back here after.
 */
function SignedIn() {
  const { profile, me, meError, reloadMe, signOut } = useSession();
  const location = useLocation();
  if (!profile) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  if (!me) {
    return (
      <main id="main" className="sign-in">
        {meError ? (
          <>
            <ErrorNotice error={meError} />
            <p className="start-buttons">
              <button type="button" onClick={reloadMe}>
                Try again
              </button>
              <button type="button" className="secondary" onClick={() => void signOut()}>
                Sign out
              </button>
            </p>
          </>
        ) : (
          <p className="muted">Loading your account…</p>
        )}
      </main>
    );
  }
  return (
    <CustomersProvider>
      <Layout />
    </CustomersProvider>
  );
}

function Lazy({ page }: { page: React.ReactNode }) {
  return <Suspense fallback={<p className="muted">Loading…</p>}>{page}</Suspense>;
}
