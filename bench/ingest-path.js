// Scenario 5 — an ingest adapter route (spec §8.2): Alertmanager webhook bodies of 20 alerts
// each, sent with an API key, beside the native batch path with 20 events a request; the two
// loaded in turn (ROUNDS times) against the same gateway, with no worker running.
'use strict';
const { peakRssMb, stop, appendReport } = require('./lib');
const { startGateway, EVENT } = require('./hot-path');
const { load, loaderName } = require('./load');

const DURATION = Number(process.env.BENCH_INGEST_DURATION ?? 15);
const ROUNDS = 3;
const CONNECTIONS = Number(process.env.BENCH_INGEST_CONNECTIONS ?? 10);
const ALERTS = 20;

const alertmanagerBody = JSON.stringify({
  version: '4',
  groupKey: '{}:{alertname="HighCPU"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'sluice',
  groupLabels: { alertname: 'HighCPU' },
  commonLabels: { alertname: 'HighCPU', severity: 'critical' },
  commonAnnotations: { summary: 'CPU > 95%' },
  externalURL: 'http://alertmanager.example:9093',
  alerts: Array.from({ length: ALERTS }, (_, i) => ({
    status: 'firing',
    labels: { alertname: 'HighCPU', instance: `host${i}:9100`, job: 'node', severity: 'critical' },
    annotations: { summary: 'CPU > 95%', description: `CPU utilisation above 95% on host${i}` },
    startsAt: '2026-01-01T00:00:00Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example:9090/graph?g0.expr=cpu',
    fingerprint: `5c8d3f1a2b4e6d${String(i).padStart(2, '0')}`,
  })),
});
const nativeBody = JSON.stringify(Array.from({ length: ALERTS }, (_, i) => ({ ...EVENT, ieventid: `evt-${i}` })));

async function ingestPath(s) {
  const gw = await startGateway(s, 19_100 + Math.floor(Math.random() * 400));
  const made = await fetch(`${gw.base}/api/v1/apikeys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', scopes: ['publish'] }),
  });
  const { key } = await made.json();
  const routes = [
    {
      name: `POST /publish/allevents, ${ALERTS} events (access token)`,
      url: `${gw.base}/publish/allevents`,
      headers: { cookie: `access_token=${gw.token}` },
      body: nativeBody,
    },
    {
      name: `POST /ingest/alertmanager, ${ALERTS} alerts (API key)`,
      url: `${gw.base}/ingest/alertmanager/bench`,
      headers: { 'x-api-key': key },
      body: alertmanagerBody,
    },
  ];
  const totals = routes.map(() => ({ requests: 0, seconds: 0, non2xx: 0, p50: [], p99: [] }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, route] of routes.entries()) {
      const r = await load({
        url: route.url,
        headers: route.headers,
        duration: DURATION / ROUNDS,
        connections: CONNECTIONS,
        body: route.body,
      });
      totals[i].requests += r.requests;
      totals[i].seconds += DURATION / ROUNDS;
      totals[i].non2xx += r.non2xx + r.errors;
      totals[i].p50.push(r.p50);
      totals[i].p99.push(r.p99);
    }
  }
  const rss = peakRssMb(gw.child.pid);
  await stop(gw.child);
  const eventsPerSec = totals.map((t) => Math.round((t.requests / t.seconds) * ALERTS));
  appendReport('ingest adapter path', [
    `Command: \`npm run bench -- ingest-path\` (${loaderName()}, ${CONNECTIONS} connections, the two routes in turn ${ROUNDS} times for ${DURATION / ROUNDS} s each, no worker running; gateway peak RSS ${rss ?? '-'} MB).`,
    '',
    '| route | req/s | events/s accepted | × native | p50 ms (per round) | p99 ms (per round) | non-2xx + errors |',
    '|---|---|---|---|---|---|---|',
    ...routes.map(
      (route, i) =>
        `| ${route.name} | ${Math.round(totals[i].requests / totals[i].seconds)} | ${eventsPerSec[i]} | ${(eventsPerSec[i] / eventsPerSec[0]).toFixed(2)} | ${totals[i].p50.join(', ')} | ${totals[i].p99.join(', ')} | ${totals[i].non2xx} |`,
    ),
  ]);
}

module.exports = { ingestPath };
