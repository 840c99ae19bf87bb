// Scenario 4 — end to end: a steady EVENTS_PER_SEC events/s (as batches of E2E_BATCH) for
// DURATION s with a worker running; latency from the request's arrival at the gateway
// (received_at) to the row being committed (stored_at), from the stored timestamps.
// `end-to-end-channels`: the same load while the customer has a WEBHOOK and a PAGER_DUTY
// integration whose receivers answer only after BENCH_SLOW_RECEIVER_MS (every alert the load
// opens is delivered to both, or held for their digests): ingestion must not notice.
'use strict';
const http = require('node:http');
const path = require('node:path');
const autocannon = require('autocannon');
const { ROOT, sluiceEnv, start, peakRssMb, stop, pg, appendReport } = require('./lib');
const { startGateway, EVENT } = require('./hot-path');

const DURATION = Number(process.env.BENCH_E2E_DURATION ?? 30);
const EVENTS_PER_SEC = Number(process.env.BENCH_E2E_RATE ?? 2000);
const BATCH = Number(process.env.BENCH_E2E_BATCH ?? 10);

const SLOW_MS = Number(process.env.BENCH_SLOW_RECEIVER_MS ?? 2000);

/** A receiver that answers 202 after SLOW_MS, counting the calls it got. */
async function slowReceiver() {
  const receiver = { calls: 0 };
  receiver.server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        receiver.calls++;
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end('{"status":"success","message":"Event processed"}');
      }, SLOW_MS),
    );
  });
  await new Promise((r) => receiver.server.listen(0, '127.0.0.1', r));
  receiver.url = `http://127.0.0.1:${receiver.server.address().port}`;
  return receiver;
}

async function endToEnd(s) {
  return run(s, false);
}

async function endToEndChannels(s) {
  return run(s, true);
}

async function run(s, channels) {
  const receivers = channels ? [await slowReceiver(), await slowReceiver()] : [];
  // The PagerDuty host is the operator's override; the webhook is the tenant's (loopback allowed here).
  const channelEnv = channels
    ? { CHANNEL_API_URL_PAGER_DUTY: receivers[0].url, NOTIFIER_ALLOW_PRIVATE_NETWORKS: 'true' }
    : {};
  const gw = await startGateway(s, 18_900 + Math.floor(Math.random() * 90));
  if (channels) {
    for (const body of [
      {
        type: 'WEBHOOK',
        url: `${receivers[1].url}/hook`,
        secret: 'whsec_YmVuY2gtc2lnbmluZy1zZWNyZXQtMzItYnl0ZXMhIQ==',
      },
      { type: 'PAGER_DUTY', serviceKey: 'bench-routing-key-0123456789' },
    ]) {
      const res = await fetch(`${gw.base}/api/public/v1.0/groups/bench/integrations/${body.type}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${gw.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 200) throw new Error(`PUT ${body.type}: ${res.status} ${await res.text()}`);
    }
  }
  const worker = start(path.join(ROOT, 'dist/apps/worker/src/main.js'), sluiceEnv(s, channelEnv));
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
  const deliveries = channels
    ? await pg(
        s.dbUrl,
        async (c) =>
          (await c.query('SELECT status, count(*)::int AS n FROM channel_deliveries GROUP BY 1 ORDER BY 1')).rows,
      )
    : [];
  await stop(gw.child);
  await stop(worker);
  await Promise.all(receivers.map((rc) => new Promise((r) => rc.server.close(r))));
  const what = channels
    ? `; the customer has a WEBHOOK and a PAGER_DUTY integration whose receivers answer after ${SLOW_MS} ms`
    : '';
  appendReport(channels ? 'end to end, channels at slow receivers' : 'end to end', [
    `Command: \`npm run bench -- ${channels ? 'end-to-end-channels' : 'end-to-end'}\` (autocannon at ${EVENTS_PER_SEC / BATCH} req/s of ${BATCH}-event batches = ${EVENTS_PER_SEC} events/s for ${DURATION} s; one gateway and one worker process${what}).`,
    '',
    '| events sent | stored | p50 ms | p99 ms | p99 ms after the first 5 s | max ms | request p50 ms | request p99 ms | gateway RSS MB | worker RSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|',
    `| ${sent} | ${stats.stored} | ${stats.p50} | ${stats.p99} | ${stats.p99_later} | ${stats.max} | ${r.latency.p50} | ${r.latency.p99} | ${gatewayRss ?? '-'} | ${workerRss ?? '-'} |`,
    ...(channels
      ? [
          '',
          `Channel deliveries recorded when the load ended: ${deliveries.map((d) => `${d.status} ${d.n}`).join(', ') || 'none'}; calls answered by the slow receivers: ${receivers.map((rc) => rc.calls).join(' and ')}.`,
        ]
      : []),
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
                round(max(extract(epoch FROM stored_at - received_at) * 1000))::int AS max,
                round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - received_at) * 1000)
                  FILTER (WHERE received_at > (SELECT min(received_at) FROM events) + interval '5 seconds'))::int AS p99_later
           FROM events`)
        ).rows[0],
    );
    if (row.stored >= expected || Date.now() > until) return row;
    await new Promise((r) => setTimeout(r, 500));
  }
}

module.exports = { endToEnd, endToEndChannels, waitStored };
