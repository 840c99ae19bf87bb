import { useMemo } from 'react';

import { api, query } from '../api/client';
import type { MetricSample, Page, SeriesPoint } from '../api/types';
import { CustomerField } from '../components/customer-field';
import type { ChartOption } from '../components/echart';
import { EChart } from '../components/echart';
import { ErrorNotice } from '../components/notice';
import { SelectField } from '../components/text-field';
import { useCustomerParam } from '../hooks/use-customer-param';
import { usePoll } from '../hooks/use-poll';
import { useSearch } from '../hooks/use-search';
import { useTitle } from '../hooks/use-title';

/** Time ranges and the bucket width (step, seconds) that gives each about 100–300 points. */
const RANGES = {
  '1h': { label: 'Last hour', seconds: 3600, step: 30 },
  '6h': { label: 'Last 6 hours', seconds: 21_600, step: 120 },
  '24h': { label: 'Last 24 hours', seconds: 86_400, step: 300 },
  '7d': { label: 'Last 7 days', seconds: 604_800, step: 1800 },
  '30d': { label: 'Last 30 days', seconds: 2_592_000, step: 10_800 },
} as const;
type Range = keyof typeof RANGES;
const RANGE_OPTIONS = Object.entries(RANGES).map(([k, r]) => [k, r.label] as const);
const AGG_OPTIONS = [
  ['avg', 'Average'],
  ['min', 'Minimum'],
  ['max', 'Maximum'],
  ['sum', 'Sum'],
  ['count', 'Count'],
] as const;

type Key = 'entity' | 'parameter' | 'range' | 'agg';

/** Spec §6: one metric's series, bucketed and aggregated by the gateway, over a chosen range. */
export default function MetricsPage() {
  useTitle('Metrics');
  const [customer, setCustomer] = useCustomerParam();
  const [get, set] = useSearch<Key>();
  const entity = get('entity');
  const parameter = get('parameter');
  const range: Range = get('range') in RANGES ? (get('range') as Range) : '24h';
  const agg = AGG_OPTIONS.some(([a]) => a === get('agg')) ? get('agg') : 'avg';

  // The series of the last 7 days, to choose from (samples come oldest first, a page of 500).
  const recent = usePoll(
    (signal) =>
      customer
        ? api<Page<MetricSample>>(
            `/api/v1/metrics${query({ customerid: customer, from: new Date(Date.now() - 7 * 86_400_000).toISOString(), itemsPerPage: 500 })}`,
            { signal },
          )
        : Promise.resolve(undefined),
    [customer],
    60_000,
  );
  const choices = useMemo(() => {
    const seen = new Map<string, { entity: string; entityName: string; parameter: string; unit: string }>();
    for (const s of recent.data?.results ?? []) {
      seen.set(`${s.entityid}\u0000${s.parameterid}`, {
        entity: s.entityid,
        entityName: s.entity ?? s.entityid,
        parameter: s.parameterid,
        unit: s.unit ?? '',
      });
    }
    return [...seen.values()].sort((a, b) => `${a.entity} ${a.parameter}`.localeCompare(`${b.entity} ${b.parameter}`));
  }, [recent.data]);
  const chosen = choices.find((c) => c.entity === entity && c.parameter === parameter);

  const { seconds, step } = RANGES[range];
  const series = usePoll(
    async (signal) => {
      if (!customer || !entity || !parameter) return undefined;
      const to = Math.ceil(Date.now() / 1000 / step) * step * 1000;
      const from = to - seconds * 1000;
      const url = `/api/v1/metrics/series${query({
        customerid: customer,
        entityid: entity,
        parameterid: parameter,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        step,
        agg,
      })}`;
      const answer = await api<{ points: SeriesPoint[] }>(url, { signal });
      return { ...answer, from, to };
    },
    [customer, entity, parameter, range, agg],
    30_000,
  );

  const points = useMemo(() => series.data?.points ?? [], [series.data]);
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const label = `${entity} · ${parameter}`;
  const option = useMemo<ChartOption>(
    () => ({
      aria: { enabled: true },
      grid: { left: 56, right: 24, top: 24, bottom: 64 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time', min: series.data?.from, max: series.data?.to },
      yAxis: { type: 'value', name: chosen?.unit || undefined, scale: true },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 20, bottom: 12 }],
      series: [
        {
          type: 'line',
          name: `${label} (${agg})`,
          showSymbol: points.length < 60,
          sampling: 'lttb',
          areaStyle: { opacity: 0.08 },
          lineStyle: { width: 2 },
          data: points.map((p) => [p.t, p.value]),
        },
      ],
    }),
    [series.data, points, chosen?.unit, label, agg],
  );

  return (
    <>
      <div className="page-head">
        <h1>Metrics</h1>
      </div>
      <form className="filters" aria-label="Choose the series" onSubmit={(e) => e.preventDefault()}>
        <CustomerField value={customer} onChange={setCustomer} required />
        <SelectField
          label="Series"
          name="series"
          value={chosen ? `${entity}\u0000${parameter}` : ''}
          options={[
            ['', choices.length ? 'Choose a series…' : 'No recent samples'],
            ...choices.map((c) => [`${c.entity}\u0000${c.parameter}`, `${c.entityName} · ${c.parameter}`] as const),
            ...(entity && parameter && !chosen
              ? [[`${entity}\u0000${parameter}`, `${entity} · ${parameter}`] as const]
              : []),
          ]}
          onChange={(v) => {
            const [e = '', p = ''] = v.split('\u0000');
            set({ entity: e, parameter: p });
          }}
        />
        <SelectField
          label="Time range"
          name="range"
          value={range}
          options={RANGE_OPTIONS}
          onChange={(v) => set({ range: v })}
        />
        <SelectField label="Aggregate" name="agg" value={agg} options={AGG_OPTIONS} onChange={(v) => set({ agg: v })} />
      </form>
      <ErrorNotice error={recent.error ?? series.error} />
      {customer && entity && parameter ? (
        <section className="card chart-card" aria-labelledby="series-title">
          <h2 id="series-title">
            {chosen?.entityName ?? entity} · {parameter}{' '}
            <span className="muted">
              ({agg} per {step} s)
            </span>
          </h2>
          {series.data && points.length === 0 ? (
            <p className="empty">No samples of this series in the chosen range.</p>
          ) : (
            <EChart
              option={option}
              height={420}
              label={`Line chart of ${label}, ${RANGES[range].label.toLowerCase()}: ${points.length} points${
                values.length
                  ? `, from ${Math.min(...values)} to ${Math.max(...values)}, last ${values[values.length - 1]}`
                  : ''
              }`}
            />
          )}
          {values.length > 0 && (
            <p className="muted small">
              {points.length} points · min {Math.min(...values)} · max {Math.max(...values)} · last{' '}
              {values[values.length - 1]}
              {chosen?.unit ? ` ${chosen.unit}` : ''}
            </p>
          )}
        </section>
      ) : (
        customer && <p>Choose a series to draw it.</p>
      )}
    </>
  );
}
