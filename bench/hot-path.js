// Scenario 1 — hot path: single-event POST /publish/allevents with a cookie token (wrk, or
// autocannon with BENCH_LOADER=autocannon; CONNECTIONS connections, DURATION s in ROUNDS interleaved
// rounds), against a bare Fastify JSON handler and a bare Fastify handler doing one BullMQ add,
// each in one process, in the same run.
'use strict';
const path = require('node:path');
const { ROOT, REDIS_URL, sluiceEnv, migrate, start, waitFor, peakRssMb, stop, appendReport } = require('./lib');
const { load, loaderName } = require('./load');

const DURATION = Number(process.env.BENCH_DURATION ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
// Processes of the gateway (GATEWAY_PROCESSES) and, for a fair ratio, of each baseline.
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const ADMIN = { email: 'bench@example.com', password: 'bench-password-1' };

// An event of about 550 bytes (with its unique ieventid), the size of a typical connector event.
const EVENT = {
  envcustomerid: 'bench',
  ieventid: 'evt-000000001',
  toolcustomername: 'Bench Corp',
  entity: 'web-frontend-01.prod.example.net',
  entityid: 'host-4711',
  parametercategory: 'cpu',
  parametertype: 'utilization',
  parametername: 'cpu.utilization.percent',
  severity: 'critical',
  description: 'CPU utilization above 95% for 10 minutes on web-frontend-01; load average 14.2, run queue 31.',
  messages: 'threshold 95 exceeded: value 97.3',
  firstoccurrence: '2024-05-01T12:00:00Z',
  lastoccurrence: '2024-05-01T12:10:00Z',
  source: 'nagios',
};
// Each request's own ieventid goes between the two halves.
const UNIQUE_EVENT = JSON.stringify(EVENT).split(EVENT.ieventid);

/** Starts a gateway on a migrated scratch database with a superadmin and the 'bench' customer; returns it and a token. */
async function startGateway(s, port, extraEnv = {}) {
  migrate(s);
  const child = start(
    path.join(ROOT, 'dist/apps/gateway/src/main.js'),
    sluiceEnv(s, {
      PORT: String(port),
      GATEWAY_PROCESSES: String(PROCESSES),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ...extraEnv,
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/health/ready`);
  const login = await fetch(`${base}/api/v1/user/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}` },
  });
  const token = (await login.json()).data.access_token;
  await fetch(`${base}/api/v1/admin/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'bench', name: 'Bench' }),
  });
  return { child, base, token };
}

/**
 * The three servers run side by side (idle when not loaded) and are loaded in turn, ROUNDS times
 * for DURATION / ROUNDS seconds each: this VM's speed drifts by tens of percent over minutes, and
 * interleaving keeps that drift out of the ratios.
 */
async function hotPath(s) {
  const port = 18_000 + Math.floor(Math.random() * 1000);
  const slice = DURATION / ROUNDS;
  const servers = [];
  try {
    let child = start(path.join(__dirname, 'baselines/bare-fastify.js'), {
      ...process.env,
      PORT: String(port),
      BENCH_PROCESSES: String(PROCESSES),
    });
    servers.push({
      name: 'bare Fastify JSON handler',
      child,
      url: `http://127.0.0.1:${port}/publish/allevents`,
      headers: {},
    });
    await new Promise((r) => child.once('message', r));

    child = start(path.join(__dirname, 'baselines/fastify-bullmq.js'), {
      ...process.env,
      PORT: String(port + 1),
      REDIS_URL,
      REDIS_PREFIX: `${s.prefix}-baseline`,
      BENCH_PROCESSES: String(PROCESSES),
    });
    servers.push({
      name: 'bare Fastify + one BullMQ add',
      child,
      url: `http://127.0.0.1:${port + 1}/publish/allevents`,
      headers: {},
    });
    await new Promise((r) => child.once('message', r));

    const gw = await startGateway(s, port + 2);
    servers.push({
      name: 'Sluice POST /publish/allevents (cookie token)',
      child: gw.child,
      url: `${gw.base}/publish/allevents`,
      headers: { cookie: `access_token=${gw.token}` },
    });

    for (let round = 0; round < ROUNDS; round++) {
      for (const server of servers) {
        const r = await load({
          url: server.url,
          headers: server.headers,
          duration: slice,
          connections: CONNECTIONS,
          unique: UNIQUE_EVENT,
          pid: server.child.pid,
        });
        (server.rounds ??= []).push(r);
        console.log(JSON.stringify({ name: server.name, round, rps: Math.round(r.requests / slice), p99: r.p99 }));
      }
    }
    for (const server of servers) server.rss = peakRssMb(server.child.pid);
  } finally {
    for (const server of servers) await stop(server.child);
  }

  const results = servers.map((server) => ({
    name: server.name,
    rps: Math.round(server.rounds.reduce((n, r) => n + r.requests, 0) / DURATION),
    perRound: server.rounds.map((r) => Math.round(r.requests / r.seconds)),
    p50: Math.max(...server.rounds.map((r) => r.p50)),
    p99: Math.max(...server.rounds.map((r) => r.p99)),
    non2xx: server.rounds.reduce((n, r) => n + r.non2xx + r.errors, 0),
    rss: server.rss,
    // CPU time of the server's processes per request answered, in µs.
    cpuPerRequest: Math.round(
      (server.rounds.reduce((n, r) => n + r.cpu, 0) * 1e6) / server.rounds.reduce((n, r) => n + r.requests, 0),
    ),
  }));
  const bare = results[0].rps;
  appendReport('hot path', [
    `Command: \`BENCH_PROCESSES=${PROCESSES} npm run bench -- hot-path\` (${loaderName()}, ${CONNECTIONS} connections, ${DURATION} s per scenario in ${ROUNDS} interleaved rounds of ${slice} s, ${PROCESSES} server process(es) each, ~${Buffer.byteLength(JSON.stringify(EVENT))}-byte event, loopback).`,
    '',
    '| scenario | req/s | per round | × bare Fastify | p50 ms | p99 ms | non-2xx + errors | CPU µs per request | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.rps} | ${r.perRound.join(' / ')} | ${(r.rps / bare).toFixed(2)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.cpuPerRequest} | ${r.rss ?? '-'} |`,
    ),
    '',
    'p50 and p99 are the highest of the rounds.',
  ]);
  return results;
}

module.exports = { hotPath, startGateway, EVENT, UNIQUE_EVENT };
