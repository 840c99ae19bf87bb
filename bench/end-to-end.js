// Scenario 4 — end to end: a steady EVENTS_PER_SEC events/s (as batches of E2E_BATCH) for
// DURATION s with a worker running; latency from the request's arrival at the gateway
// (received_at) to the row being committed (stored_at), from the stored timestamps.
'use strict';
const path = require('node:path');
const autocannon = require('autocannon');
const { ROOT, sluiceEnv, start, peakRssMb, stop, pg, appendReport } = require('./lib');
const { startGateway, EVENT } = require('./hot-path');

const DURATION = Number(process.env.BENCH_E2E_DURATION ?? 30);
const EVENTS_PER_SEC = Number(process.env.BENCH_E2E_RATE ?? 2000);
const BATCH = Number(process.env.BENCH_E2E_BATCH ?? 10);

async function endToEnd(s) {
  const gw = await startGateway(s, 18_900 + Math.floor(Math.random() * 90));
  const worker = start(path.join(ROOT, 'dist/apps/worker/src/main.js'), sluiceEnv(s));
  await new Promise((r) => setTimeout(r, 3000));
  let n = 0;
  const r = await autocannon({
    url: `${gw.base}/publish/allevents`,
    method: 'POST',
    connections: 20,
    duration: DURATION,
    overallRate: EVENTS_PER_SEC / BATCH,
    headers: { 'content-type': 'application/json', cookie: `access_token=${gw.token}` },
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify(
            Array.from({ length: BATCH }, () => ({ ...EVENT, ieventid: `e2e-${n++}`, entityid: `host-${n % 1000}` })),
          ),
        }),
      },
    ],
  });
  const sent = r['2xx'] * BATCH;
  const stats = await waitStored(s, sent);
  const gatewayRss = peakRssMb(gw.child.pid);
  const workerRss = peakRssMb(worker.pid);
  await stop(gw.child);
  await stop(worker);
  appendReport('end to end', [
    `Command: \`npm run bench -- end-to-end\` (autocannon at ${EVENTS_PER_SEC / BATCH} req/s of ${BATCH}-event batches = ${EVENTS_PER_SEC} events/s for ${DURATION} s; one gateway and one worker process).`,
    '',
    '| events sent | stored | p50 ms | p99 ms | max ms | request p99 ms | gateway RSS MB | worker RSS MB |',
    '|---|---|---|---|---|---|---|---|',
    `| ${sent} | ${stats.stored} | ${stats.p50} | ${stats.p99} | ${stats.max} | ${r.latency.p99} | ${gatewayRss ?? '-'} | ${workerRss ?? '-'} |`,
  ]);
}

async function waitStored(s, expected) {
  const until = Date.now() + 120_000;
  for (;;) {
    const row = await pg(
      s.dbUrl,
      async (c) =>
        (
          await c.query(`SELECT count(*)::int AS stored,
                round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - received_at) * 1000))::int AS p50,
                round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - received_at) * 1000))::int AS p99,
                round(max(extract(epoch FROM stored_at - received_at) * 1000))::int AS max
           FROM events`)
        ).rows[0],
    );
    if (row.stored >= expected || Date.now() > until) return row;
    await new Promise((r) => setTimeout(r, 500));
  }
}

module.exports = { endToEnd };
