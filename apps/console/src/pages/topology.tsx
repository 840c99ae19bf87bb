import type { ECElementEvent } from 'echarts/core';
import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router';

import { api, query } from '../api/client';
import type { Alert, Graph, Page } from '../api/types';
import { SEVERITY_NAMES } from '../api/types';
import { CustomerField } from '../components/customer-field';
import type { ChartOption } from '../components/echart';
import { EChart } from '../components/echart';
import { ErrorNotice } from '../components/notice';
import { useCustomerParam } from '../hooks/use-customer-param';
import { usePoll } from '../hooks/use-poll';
import { useTitle } from '../hooks/use-title';

type Kind = 'entity' | 'service';

interface Node {
  key: string;
  id: string;
  name: string;
  type: string | null;
  kind: Kind;
  known: boolean;
  /** The worst severity of the entity's unresolved alerts, if any. */
  alertSeverity?: number;
  alerts: number;
}

/** The kinds of an edge's ends (the graph names ids only): relations join entities, services contain entities. */
function endKinds(type: string | null): [Kind, Kind] {
  if (type === 'contains') return ['service', 'entity'];
  if (type === 'depends_on') return ['service', 'service'];
  return ['entity', 'entity'];
}

const CATEGORIES = [
  { name: 'Entity', itemStyle: { color: '#3b82f6' } },
  { name: 'Service', itemStyle: { color: '#16a34a' } },
  { name: 'Entity with an open alert', itemStyle: { color: '#dc2626', borderColor: '#7f1d1d', borderWidth: 2 } },
];

async function loadTopology(customer: string, signal: AbortSignal) {
  const alertsOf = (state: string) =>
    api<Page<Alert>>(`/api/v1/alerts${query({ customerid: customer, state, itemsPerPage: 500 })}`, { signal });
  const [graph, open, acknowledged] = await Promise.all([
    api<Graph>(`/api/v1/topology/graph${query({ customerid: customer })}`, { signal }),
    alertsOf('OPEN'),
    alertsOf('ACKNOWLEDGED'),
  ]);
  return { graph, alerts: [...open.results, ...acknowledged.results] };
}

/** Spec §6: a customer's entities and services and their edges, drawn as a graph; entities with unresolved alerts marked. */
export default function TopologyPage() {
  useTitle('Topology');
  const navigate = useNavigate();
  const [customer, setCustomer] = useCustomerParam();
  const topology = usePoll(
    (signal) => (customer ? loadTopology(customer, signal) : Promise.resolve(undefined)),
    [customer],
    30_000,
  );

  const nodes = useMemo(() => {
    const map = new Map<string, Node>();
    const data = topology.data;
    if (!data) return map;
    for (const n of data.graph.nodes) {
      map.set(`${n.kind}:${n.id}`, {
        key: `${n.kind}:${n.id}`,
        id: n.id,
        name: n.name || n.id,
        type: n.type,
        kind: n.kind,
        known: true,
        alerts: 0,
      });
    }
    for (const e of data.graph.edges) {
      const kinds = endKinds(e.type);
      [e.source, e.target].forEach((id, i) => {
        const key = `${kinds[i]}:${id}`;
        if (!map.has(key)) map.set(key, { key, id, name: id, type: null, kind: kinds[i], known: false, alerts: 0 });
      });
    }
    for (const a of data.alerts) {
      const node = map.get(`entity:${a.entityid}`);
      if (!node) continue;
      node.alerts += 1;
      node.alertSeverity = Math.max(node.alertSeverity ?? 0, a.severity);
    }
    return map;
  }, [topology.data]);

  // The option changes only with the data: a refresh that finds the same graph leaves the layout alone.
  const signature = JSON.stringify(topology.data ?? null);
  const option = useMemo<ChartOption>(() => {
    const edges = topology.data?.graph.edges ?? [];
    return {
      aria: { enabled: true },
      tooltip: {
        formatter: (p: unknown) => {
          const { dataType, data } = p as { dataType: string; data: { tip?: string } };
          return dataType === 'node' || dataType === 'edge' ? (data.tip ?? '') : '';
        },
      },
      legend: [{ data: CATEGORIES.map((c) => c.name), bottom: 0 }],
      series: [
        {
          type: 'graph',
          layout: 'force',
          roam: true,
          draggable: true,
          force: { repulsion: 700, edgeLength: [110, 200], gravity: 0.06 },
          zoom: 1.3,
          categories: CATEGORIES,
          label: { show: true, position: 'right', fontSize: 12 },
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 7,
          lineStyle: { color: '#64748b', width: 1.2, curveness: 0.08, opacity: 0.8 },
          edgeLabel: { show: false },
          emphasis: { focus: 'adjacency', lineStyle: { width: 2.5 } },
          data: [...nodes.values()].map((n) => ({
            id: n.key,
            name: n.name,
            category: n.alerts > 0 ? 2 : n.kind === 'service' ? 1 : 0,
            symbol: n.kind === 'service' ? 'roundRect' : 'circle',
            symbolSize: n.kind === 'service' ? 30 : n.alerts > 0 ? 26 : 20,
            // Ends of edges without a topology record of their own are drawn faint.
            itemStyle: n.known || n.alerts > 0 ? undefined : { opacity: 0.55 },
            label: n.alerts > 0 ? { formatter: `⚠ ${n.name}`, fontWeight: 'bold', color: '#991b1b' } : undefined,
            tip:
              `${n.kind === 'service' ? 'Service' : 'Entity'} ${n.name} (${n.id})${n.type ? `, ${n.type}` : ''}` +
              (n.alerts > 0 ? ` — ${n.alerts} open alert(s), worst ${SEVERITY_NAMES[n.alertSeverity ?? 0]}` : '') +
              (n.known ? '' : ' — no topology record'),
          })),
          links: edges.map((e) => {
            const [sk, tk] = endKinds(e.type);
            return {
              source: `${sk}:${e.source}`,
              target: `${tk}:${e.target}`,
              tip: `${e.source} ${e.type ?? '→'} ${e.target}`,
            };
          }),
        },
      ],
    };
    // `signature` stands for the data the nodes were made of.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature]);

  const flagged = [...nodes.values()].filter((n) => n.alerts > 0);
  const edges = topology.data?.graph.edges ?? [];

  const open = (e: ECElementEvent) => {
    if (e.dataType !== 'node') return;
    const key = (e.data as { id?: string }).id ?? '';
    const node = nodes.get(key);
    if (node?.kind === 'entity') void navigate(`/alerts${query({ customer, entity: node.id, state: 'all' })}`);
  };

  return (
    <>
      <div className="page-head">
        <h1>Topology</h1>
        <p className="muted">
          {nodes.size} nodes · {edges.length} edges · {flagged.length} with open alerts
        </p>
      </div>
      <form className="filters" aria-label="Choose the customer" onSubmit={(e) => e.preventDefault()}>
        <CustomerField value={customer} onChange={setCustomer} required />
      </form>
      {!customer && <p>Choose a customer to see its topology.</p>}
      <ErrorNotice error={topology.error} />
      {customer && topology.data && nodes.size === 0 && (
        <p className="empty">No topology has been published for {customer} yet.</p>
      )}
      {nodes.size > 0 && (
        <div className="card chart-card">
          <EChart
            option={option}
            label={`Topology graph of ${customer}: ${nodes.size} nodes and ${edges.length} edges; ${flagged.length} entities with open alerts, listed below`}
            height={560}
            onClick={open}
          />
          <p className="muted small">
            Drag to move, scroll to zoom. Click an entity to see its alerts. Red nodes (⚠) have unresolved alerts.
          </p>
        </div>
      )}
      {flagged.length > 0 && (
        <section aria-labelledby="flagged-title">
          <h2 id="flagged-title">Entities with open alerts</h2>
          <ul className="flagged">
            {flagged.map((n) => (
              <li key={n.key}>
                <Link to={`/alerts${query({ customer, entity: n.id, state: 'all' })}`}>
                  {n.name} (<code>{n.id}</code>)
                </Link>{' '}
                — {n.alerts} alert(s), worst {SEVERITY_NAMES[n.alertSeverity ?? 0]}
              </li>
            ))}
          </ul>
        </section>
      )}
      {nodes.size > 0 && (
        <details className="card">
          <summary>The graph as text</summary>
          <ul className="edges">
            {edges.map((e, i) => (
              <li key={i}>
                <code>{e.source}</code> {e.type ?? '→'} <code>{e.target}</code>
              </li>
            ))}
            {[...nodes.values()]
              .filter((n) => !edges.some((e) => e.source === n.id || e.target === n.id))
              .map((n) => (
                <li key={n.key}>
                  <code>{n.id}</code> (no edges)
                </li>
              ))}
          </ul>
        </details>
      )}
    </>
  );
}
