import { useState } from 'react';
import { Link } from 'react-router';

import { api, query } from '../api/client';
import type { Channel, Delivery, Page } from '../api/types';
import { SEVERITY_NAMES } from '../api/types';
import { OutcomeBadge } from '../components/badges';
import { CustomerField } from '../components/customer-field';
import { ErrorNotice } from '../components/notice';
import { exact, Time } from '../components/time';
import { useCustomerParam } from '../hooks/use-customer-param';
import { usePoll } from '../hooks/use-poll';
import { useTitle } from '../hooks/use-title';

const ADMINS = "A customer's channels are for superadmins and that customer's admins";
const OWN_FIELDS = new Set(['type', 'enabled', 'minSeverity', 'region']);

const channelsUrl = (customer: string) => `/api/public/v1.0/groups/${encodeURIComponent(customer)}/integrations`;

/** Spec §9: a customer's notification channels (secrets redacted by the API) and their recent deliveries. */
export function ChannelsPage() {
  useTitle('Channels');
  const [customer, setCustomer] = useCustomerParam();
  const channels = usePoll(
    (signal) => (customer ? api<Page<Channel>>(channelsUrl(customer), { signal }) : Promise.resolve(undefined)),
    [customer],
    30_000,
  );
  const list = channels.data?.results ?? [];
  return (
    <>
      <div className="page-head">
        <h1>Channels</h1>
      </div>
      <form className="filters" aria-label="Choose the customer" onSubmit={(e) => e.preventDefault()}>
        <CustomerField value={customer} onChange={setCustomer} required />
      </form>
      <ErrorNotice error={channels.error} wording={{ forbidden: ADMINS, notFound: 'No such customer' }} />
      {channels.data && list.length === 0 && <p className="empty">{customer} has no notification channels.</p>}
      {list.map((channel) => (
        <ChannelCard key={channel.type} customer={customer} channel={channel} />
      ))}
    </>
  );
}

function ChannelCard({ customer, channel }: { customer: string; channel: Channel }) {
  const [open, setOpen] = useState(false);
  const fields = Object.entries(channel).filter(([k]) => !OWN_FIELDS.has(k));
  return (
    <section className="card channel" aria-labelledby={`ch-${channel.type}`}>
      <div className="channel-head">
        <h2 id={`ch-${channel.type}`}>{channel.type}</h2>
        <span className={`badge ${channel.enabled === false ? 'outcome-bad' : 'outcome-good'}`}>
          {channel.enabled === false ? 'Disabled' : 'Enabled'}
        </span>
      </div>
      <dl className="fields inline">
        <dt>Notifies at</dt>
        <dd>{SEVERITY_NAMES[channel.minSeverity ?? 4] ?? channel.minSeverity} or worse</dd>
        {channel.region && (
          <>
            <dt>Region</dt>
            <dd>{channel.region}</dd>
          </>
        )}
        {fields.map(([k, v]) => (
          <div key={k} className="pair">
            <dt>{k}</dt>
            <dd>
              <code>{typeof v === 'string' ? v : JSON.stringify(v)}</code>
            </dd>
          </div>
        ))}
      </dl>
      <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide recent deliveries' : 'Show recent deliveries'}
      </button>
      {open && <Deliveries customer={customer} type={channel.type} />}
    </section>
  );
}

function Deliveries({ customer, type }: { customer: string; type: string }) {
  const url = `${channelsUrl(customer)}/${encodeURIComponent(type)}/deliveries${query({ itemsPerPage: 20 })}`;
  const deliveries = usePoll((signal) => api<Page<Delivery>>(url, { signal }), [url], 10_000);
  const rows = deliveries.data?.results ?? [];
  return (
    <div className="table-wrap">
      <ErrorNotice error={deliveries.error} wording={{ forbidden: ADMINS }} />
      <table className="data">
        <caption className="visually-hidden">Recent deliveries to {type}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Change</th>
            <th scope="col">Alert</th>
            <th scope="col">Try</th>
            <th scope="col">Answer</th>
            <th scope="col">Error</th>
            <th scope="col">When</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.id}>
              <td>
                <OutcomeBadge status={d.status} />
              </td>
              <td>{d.change}</td>
              <td>{d.alertId ? <Link to={`/alerts/${d.alertId}`}>open alert</Link> : '—'}</td>
              <td className="num">{d.attempt}</td>
              <td className="num">{d.responseCode ?? '—'}</td>
              <td className="reason">{d.error ?? ''}</td>
              <td title={exact(d.createdAt)}>
                <Time at={d.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {deliveries.data && rows.length === 0 && <p className="empty">No deliveries yet.</p>}
    </div>
  );
}
