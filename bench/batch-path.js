// Scenario 2 — batch path: 500-event batches against the gateway with no worker running (jobs
// only accumulate), for the events accepted per second.
'use strict';
const autocannon = require('autocannon');
const { peakRssMb, stop, appendReport } = require('./lib');
const { startGateway, EVENT } = require('./hot-path');

const DURATION = Number(process.env.BENCH_BATCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_BATCH_CONNECTIONS ?? 10);
const BATCH = 500;

async function batchPath(s) {
  const body = JSON.stringify(Array.from({ length: BATCH }, (_, i) => ({ ...EVENT, ieventid: `evt-${i}` })));
  const gw = await startGateway(s, 18_500 + Math.floor(Math.random() * 400));
  const r = await autocannon({
    url: `${gw.base}/publish/allevents`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { 'content-type': 'application/json', cookie: `access_token=${gw.token}` },
    body,
  });
  const rss = peakRssMb(gw.child.pid);
  await stop(gw.child);
  const eventsPerSec = Math.round(r.requests.average * BATCH);
  console.log(JSON.stringify({ rps: r.requests.average, eventsPerSec, non2xx: r.non2xx }));
  appendReport('batch path', [
    `Command: \`npm run bench -- batch-path\` (autocannon, ${CONNECTIONS} connections, ${DURATION} s, ${BATCH}-event batches of ${Math.round(body.length / 1024)} KiB, no worker running).`,
    '',
    '| scenario | req/s | events/s accepted | p50 ms | p99 ms | non-2xx | gateway peak RSS MB |',
    '|---|---|---|---|---|---|---|',
    `| POST /publish/allevents, ${BATCH} events | ${r.requests.average} | ${eventsPerSec} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx} | ${rss ?? '-'} |`,
  ]);
}

module.exports = { batchPath };
