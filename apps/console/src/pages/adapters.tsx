import { api, query } from '../api/client';
import type { Adapter, Page } from '../api/types';
import { AdapterStatusBadge } from '../components/badges';
import { CustomerField } from '../components/customer-field';
import { ErrorNotice } from '../components/notice';
import { Pager } from '../components/pager';
import { exact, Time } from '../components/time';
import { usePoll } from '../hooks/use-poll';
import { useSearch } from '../hooks/use-search';
import { useTitle } from '../hooks/use-title';

const SIZE = 50;

/** Spec §6: connectors and their health from their heartbeats. */
export function AdaptersPage() {
  useTitle('Adapters');
  const [get, set] = useSearch<'customer' | 'page'>();
  const customer = get('customer');
  const page = Math.max(1, Number(get('page')) || 1);
  const url = `/api/v1/adapters${query({ customerid: customer, pageNum: page, itemsPerPage: SIZE })}`;
  const adapters = usePoll((signal) => api<Page<Adapter>>(url, { signal }), [url], 10_000);
  const rows = adapters.data?.results ?? [];
  const counts = rows.reduce<Record<string, number>>(
    (acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }),
    {},
  );

  return (
    <>
      <div className="page-head">
        <h1>Adapters</h1>
        <p className="muted">
          {(['UP', 'DEGRADED', 'DOWN', 'STALE'] as const)
            .filter((s) => counts[s])
            .map((s) => `${counts[s]} ${s.toLowerCase()}`)
            .join(' · ') || ' '}
        </p>
      </div>
      <form className="filters" aria-label="Filter adapters" onSubmit={(e) => e.preventDefault()}>
        <CustomerField value={customer} onChange={(id) => set({ customer: id, page: undefined })} />
      </form>
      <ErrorNotice error={adapters.error} />
      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">Adapters and their health</caption>
          <thead>
            <tr>
              <th scope="col">Health</th>
              <th scope="col">Adapter</th>
              <th scope="col">Type</th>
              <th scope="col">Customer</th>
              <th scope="col">Last seen</th>
              <th scope="col">Interval</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={`${a.envcustomerid}/${a.adapterid}`}>
                <td>
                  <AdapterStatusBadge status={a.status} />
                </td>
                <td>
                  <strong>{a.adaptername}</strong> <code className="sub">{a.adapterid}</code>
                </td>
                <td>{a.adaptertype ?? '—'}</td>
                <td>{a.envcustomerid}</td>
                <td title={exact(a.lastseen)}>
                  <Time at={a.lastseen} />
                </td>
                <td>{a.interval ? `${a.interval} s` : '—'}</td>
                <td>{a.message ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {adapters.data && rows.length === 0 && <p className="empty">No adapter has sent a heartbeat yet.</p>}
      </div>
      <Pager
        label="Adapters"
        page={page}
        size={SIZE}
        total={adapters.data?.totalCount ?? 0}
        onPage={(p) => set({ page: p }, { replace: true })}
      />
    </>
  );
}
