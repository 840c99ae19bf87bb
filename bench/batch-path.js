// Scenario 2 — batch path: 500-event batches, no worker running (jobs only accumulate), for the
// events accepted per second; beside a baseline doing the same unavoidable work (bare Fastify
// parsing the same body and making one BullMQ add of it), the two loaded in turn ROUNDS times.
'use strict';
const path = require('node:path');
const { REDIS_URL, peakRssMb, start, stop, appendReport } = require('./lib');
const { load, loaderName } = require('./load');
const { startGateway, EVENT } = require('./hot-path');

const DURATION = Number(process.env.BENCH_BATCH_DURATION ?? 12);
const CONNECTIONS = Number(process.env.BENCH_BATCH_CONNECTIONS ?? 10);
const ROUNDS = 3;
const BATCH = 500;

async function batchPath(s) {
  const body = JSON.stringify(Array.from({ length: BATCH }, (_, i) => ({ ...EVENT, ieventid: `evt-${i}` })));
  const port = 18_500 + Math.floor(Math.random() * 400);
  const servers = [];
  try {
    const baseline = start(path.join(__dirname, 'baselines/fastify-bullmq.js'), {
      ...process.env,
      PORT: String(port),
      REDIS_URL,
      REDIS_PREFIX: `${s.prefix}-baseline`,
      BENCH_PROCESSES: '1',
    });
    await new Promise((r) => baseline.once('message', r));
    servers.push({
      name: 'bare Fastify: parse + one BullMQ add',
      child: baseline,
      url: `http://127.0.0.1:${port}/publish/allevents`,
      headers: {},
    });
    const gw = await startGateway(s, port + 1);
    servers.push({
      name: 'Sluice POST /publish/allevents',
      child: gw.child,
      url: `${gw.base}/publish/allevents`,
      headers: { cookie: `access_token=${gw.token}` },
    });
    for (let round = 0; round < ROUNDS; round++) {
      for (const server of servers) {
        const r = await load({
          url: server.url,
          headers: server.headers,
          duration: DURATION / ROUNDS,
          connections: CONNECTIONS,
          body,
          pid: server.child.pid,
        });
        server.cpu = (server.cpu ?? 0) + r.cpu;
        server.requests = (server.requests ?? 0) + r.requests;
        server.non2xx = (server.non2xx ?? 0) + r.non2xx + r.errors;
        (server.p99 ??= []).push(r.p99);
      }
    }
    for (const server of servers) server.rss = peakRssMb(server.child.pid);
  } finally {
    for (const server of servers) await stop(server.child);
  }
  const eventsPerSec = servers.map((server) => Math.round((server.requests / DURATION) * BATCH));
  appendReport('batch path', [
    `Command: \`npm run bench -- batch-path\` (${loaderName()}, ${CONNECTIONS} connections, the two servers in turn ${ROUNDS} times for ${DURATION / ROUNDS} s each, ${BATCH}-event batches of ${Math.round(body.length / 1024)} KiB, no worker running).`,
    '',
    '| server | req/s | events/s accepted | × baseline | p99 ms (per round) | non-2xx + errors | CPU µs per event | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|',
    ...servers.map(
      (server, i) =>
        `| ${server.name} | ${Math.round(server.requests / DURATION)} | ${eventsPerSec[i]} | ${(eventsPerSec[i] / eventsPerSec[0]).toFixed(2)} | ${server.p99.join(', ')} | ${server.non2xx} | ${((server.cpu * 1e6) / (server.requests * BATCH)).toFixed(1)} | ${server.rss ?? '-'} |`,
    ),
  ]);
}

module.exports = { batchPath };
