// Scenario 1 — hot path: single-event POST /publish/allevents with a cookie token (wrk, or
// autocannon with BENCH_LOADER=autocannon; CONNECTIONS connections, DURATION s in ROUNDS interleaved
// rounds), against a bare Fastify JSON handler and a bare Fastify handler doing one BullMQ add,
// each in one process, in the same run.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { ROOT, REDIS_URL, sluiceEnv, migrate, start, waitFor, peakRssMb, stop, appendReport } = require('./lib');

const DURATION = Number(process.env.BENCH_DURATION ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
// Processes of the gateway (GATEWAY_PROCESSES) and, for a fair ratio, of each baseline.
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const ADMIN = { email: 'bench@example.com', password: 'bench-password-1' };

// A 600-byte event, the size of a typical connector event.
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
const BODY = JSON.stringify(EVENT).padEnd(600, ' ');

/**
 * wrk (Debian's, installed here if missing and we may): one thread, so that the load generator
 * takes far less CPU than the server it loads (autocannon takes most of a core on 2 cores, which
 * flattens every server toward the same figure). Each request carries its own `ieventid`.
 */
function wrkAvailable() {
  if (spawnSync('wrk', ['-v']).error === undefined) return true;
  if (process.getuid?.() !== 0) return false;
  spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore' });
  return spawnSync('wrk', ['-v']).error === undefined;
}
const LOADER = process.env.BENCH_LOADER ?? (wrkAvailable() ? 'wrk' : 'autocannon');

function wrkLoad(url, headers, duration) {
  const [head, tail] = JSON.stringify(EVENT).split(EVENT.ieventid);
  const lua = `
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
${Object.entries(headers)
  .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
  .join('\n')}
local n = 0
local tag = tostring(math.random(1, 1e9))
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, ${JSON.stringify(head)} .. "wrk-" .. tag .. "-" .. n .. ${JSON.stringify(tail)})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
`;
  const script = path.join(os.tmpdir(), `sluice-wrk-${process.pid}.lua`);
  fs.writeFileSync(script, lua);
  const out = execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${duration}s`, '--latency', '-s', script, url], {
    encoding: 'utf8',
  });
  const [requests, p50, p99, non2xx, errors] = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(out).slice(1).map(Number);
  return { requests, seconds: duration, p50: Math.round(p50 / 1000), p99: Math.round(p99 / 1000), non2xx, errors };
}

async function load(url, headers, duration) {
  if (LOADER === 'wrk') return wrkLoad(url, headers, duration);
  const r = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration,
    headers: { 'content-type': 'application/json', ...headers },
    body: BODY,
  });
  return {
    requests: r.requests.total,
    seconds: duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

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
        const r = await load(server.url, server.headers, slice);
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
  }));
  const bare = results[0].rps;
  appendReport('hot path', [
    `Command: \`BENCH_PROCESSES=${PROCESSES} npm run bench -- hot-path\` (${LOADER === 'wrk' ? 'wrk, 1 thread' : 'autocannon'}, ${CONNECTIONS} connections, ${DURATION} s per scenario in ${ROUNDS} interleaved rounds of ${slice} s, ${PROCESSES} server process(es) each, 600-byte event, loopback).`,
    '',
    '| scenario | req/s | per round | × bare Fastify | p50 ms | p99 ms | non-2xx + errors | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.rps} | ${r.perRound.join(' / ')} | ${(r.rps / bare).toFixed(2)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.rss ?? '-'} |`,
    ),
    '',
    'p50 and p99 are the highest of the rounds.',
  ]);
  return results;
}

module.exports = { hotPath, startGateway, EVENT };
