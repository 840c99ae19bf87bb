import type { PaginationState } from '@tanstack/react-table';
import { createColumnHelper, rowPaginationFeature, tableFeatures, useTable } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';

import { api, query } from '../api/client';
import type { Alert, Page } from '../api/types';
import { SEVERITY_NAMES } from '../api/types';
import { SeverityBadge, StateBadge } from '../components/badges';
import { CustomerField } from '../components/customer-field';
import { ErrorNotice } from '../components/notice';
import { Pager } from '../components/pager';
import { SelectField, TextField } from '../components/text-field';
import { exact, Time } from '../components/time';
import { usePoll } from '../hooks/use-poll';
import { useSearch } from '../hooks/use-search';
import { useTitle } from '../hooks/use-title';

const REFRESH_MS = 5000;
const SIZES = ['25', '50', '100'] as const;

const STATE_OPTIONS = [
  ['OPEN', 'Open'],
  ['ACKNOWLEDGED', 'Acknowledged'],
  ['RESOLVED', 'Resolved'],
  ['all', 'Any state'],
] as const;

const SEVERITY_OPTIONS = [
  ['', 'Any severity'],
  ...SEVERITY_NAMES.map((name, n) => [String(n), n === 5 ? name : `${name} or worse`] as const).slice(1),
] as const;

const features = tableFeatures({ rowPaginationFeature });
const helper = createColumnHelper<typeof features, Alert>();
const columns = helper.columns([
  helper.accessor('severity', {
    header: 'Severity',
    cell: (info) => <SeverityBadge severity={info.getValue()} />,
  }),
  helper.accessor('state', { header: 'State', cell: (info) => <StateBadge state={info.getValue()} /> }),
  helper.display({
    id: 'alert',
    header: 'Alert',
    cell: ({ row }) => {
      const a = row.original;
      return (
        <Link to={`/alerts/${a.id}`} className="alert-link">
          <strong>{a.entity}</strong> · {a.parametername ?? a.parameterid}
          {a.splitby ? ` (${a.splitby})` : ''}
          {a.description && <span className="sub">{a.description}</span>}
        </Link>
      );
    },
  }),
  helper.accessor('entityid', { header: 'Entity id', cell: (info) => <code>{info.getValue()}</code> }),
  helper.accessor('envcustomerid', { header: 'Customer' }),
  helper.accessor('count', { header: 'Count', cell: (info) => <span className="num">{info.getValue()}</span> }),
  helper.accessor('lastoccurrence', { header: 'Last seen', cell: (info) => <Time at={info.getValue()} /> }),
  helper.accessor('ticket', {
    header: 'Ticket',
    cell: (info) => info.getValue()?.number ?? info.getValue()?.sysid ?? <span className="muted">—</span>,
  }),
]);
const noAlerts: Alert[] = [];

type Key = 'customer' | 'state' | 'minseverity' | 'entity' | 'page' | 'size';

/**
 * Spec §6 and §10: alerts, newest last occurrence first, filtered by customer, state, severity and
 * entity (all kept in the URL), a page at a time, refreshed every 5 s in place.
 */
export function AlertsPage() {
  useTitle('Alerts');
  const navigate = useNavigate();
  const [get, set] = useSearch<Key>();
  const [live, setLive] = useState(true);
  const customer = get('customer');
  const state = get('state') || 'OPEN';
  const minseverity = get('minseverity');
  const entity = get('entity');
  const page = Math.max(1, Number(get('page')) || 1);
  const size = SIZES.includes(get('size') as (typeof SIZES)[number]) ? Number(get('size')) : 25;

  const url = `/api/v1/alerts${query({
    customerid: customer,
    state: state === 'all' ? undefined : state,
    minseverity,
    entityid: entity,
    pageNum: page,
    itemsPerPage: size,
  })}`;
  const alerts = usePoll((signal) => api<Page<Alert>>(url, { signal }), [url], live ? REFRESH_MS : 0);
  const total = alerts.data?.totalCount ?? 0;

  const pagination = useMemo<PaginationState>(() => ({ pageIndex: page - 1, pageSize: size }), [page, size]);
  const table = useTable({
    features,
    columns,
    data: alerts.data?.results ?? noAlerts,
    getRowId: (row) => row.id,
    manualPagination: true,
    rowCount: total,
    state: { pagination },
    onPaginationChange: (updater) => {
      const next = typeof updater === 'function' ? updater(pagination) : updater;
      set({ page: next.pageIndex + 1, size: next.pageSize === 25 ? undefined : next.pageSize });
    },
  });

  // A change of filter starts again at the first page.
  const filter = (changes: Partial<Record<Key, string>>) => set({ ...changes, page: undefined });

  return (
    <>
      <div className="page-head">
        <h1>Alerts</h1>
        <p className="refresh" aria-live="off">
          <label>
            <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Refresh every 5 s
          </label>
          {alerts.updatedAt && <span className="muted"> · updated {alerts.updatedAt.toLocaleTimeString()}</span>}
        </p>
      </div>
      <form className="filters" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
        <CustomerField value={customer} onChange={(id) => filter({ customer: id })} />
        <SelectField
          label="State"
          name="state"
          value={state}
          options={STATE_OPTIONS}
          onChange={(v) => filter({ state: v === 'OPEN' ? '' : v })}
        />
        <SelectField
          label="Severity"
          name="minseverity"
          value={minseverity}
          options={SEVERITY_OPTIONS}
          onChange={(v) => filter({ minseverity: v })}
        />
        <TextField
          label="Entity id"
          name="entity"
          value={entity}
          placeholder="e.g. host-4711"
          onCommit={(v) => filter({ entity: v })}
        />
        <SelectField
          label="Rows per page"
          name="size"
          value={String(size)}
          options={SIZES.map((s) => [s, s] as const)}
          onChange={(v) => table.setPageSize(Number(v))}
        />
      </form>
      <ErrorNotice error={alerts.error} />
      <div className="table-wrap" aria-busy={alerts.loading && !alerts.data}>
        <table className="data alerts">
          <caption className="visually-hidden">
            Alerts, newest last occurrence first{customer ? `, customer ${customer}` : ''}
          </caption>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <th key={header.id} scope="col">
                    {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr
                key={row.id}
                className={`sev-row-${row.original.severity}`}
                onClick={(e) => {
                  // A click anywhere on the row opens the alert (the link is the keyboard's way).
                  if (!(e.target as HTMLElement).closest('a, button')) void navigate(`/alerts/${row.original.id}`);
                }}
                title={`Last seen ${exact(row.original.lastoccurrence)}`}
              >
                {row.getAllCells().map((cell) => (
                  <td key={cell.id}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {alerts.data && total === 0 && <p className="empty">No alerts match these filters.</p>}
        {!alerts.data && alerts.loading && <p className="muted">Loading alerts…</p>}
      </div>
      <Pager label="Alerts" page={page} size={size} total={total} onPage={(p) => table.setPageIndex(p - 1)} />
    </>
  );
}
