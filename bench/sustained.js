// Scenario — sustained single-event load end to end: wrk sends single-event requests (each its
// own ieventid) for DURATION s to G gateway processes while W worker processes store them; first
// one gateway + one worker, then two + two, each on a scratch database and Redis prefix of its own.
// Reported: events accepted and stored per second, the events queue's backlog (sampled every
// second), arrival→commit latency, and the CPU each kind of process spent per event.
'use strict';
const path = require('node:path');
const { Queue } = require('bullmq');
const Redis = require('ioredis');
const { ROOT, REDIS_URL, scratch, cleanup, sluiceEnv, start, cpuSeconds, stop, pg, appendReport } = require('./lib');
const { load, loaderName } = require('./load');
const { startGateway, UNIQUE_EVENT } = require('./hot-path');
const { waitStored } = require('./end-to-end');

const DURATION = Number(process.env.BENCH_SUSTAINED_DURATION ?? 60);
const CONNECTIONS = Number(process.env.BENCH_SUSTAINED_CONNECTIONS ?? 50);
const TOPOLOGIES = [
  { gateways: 1, workers: 1 },
  { gateways: 2, workers: 2 },
];

async function sustained(s) {
  const results = [];
  for (const [i, topology] of TOPOLOGIES.entries()) {
    const own = i === 0 ? s : scratch();
    try {
      results.push({ ...topology, ...(await runOne(own, topology)) });
    } finally {
      if (own !== s) await cleanup(own).catch(() => undefined);
    }
  }
  appendReport('sustained single-event load, end to end', [
    `Command: \`npm run bench -- sustained\` (${loaderName()}, ${CONNECTIONS} connections, single-event requests for ${DURATION} s; gateway processes (GATEWAY_PROCESSES) and worker processes as below, all on this machine with PostgreSQL, Redis and wrk; the events queue's backlog sampled every second).`,
    '',
    '| gateways + workers | events/s accepted | events/s stored during the load | backlog max / at the end (jobs) | commit p50 / p99 ms | p99 ms after the first 5 s | request p99 ms | non-2xx + errors | gateway CPU µs per event | worker CPU µs per event |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.gateways} + ${r.workers} | ${r.accepted} | ${r.storedRate} | ${r.backlogMax} / ${r.backlogEnd} | ${r.stats.p50} / ${r.stats.p99} | ${r.stats.p99_later} | ${r.requestP99} | ${r.refused} | ${r.gatewayCpu} | ${r.workerCpu} |`,
    ),
  ]);
}

async function runOne(s, { gateways, workers }) {
  const gw = await startGateway(s, 19_600 + Math.floor(Math.random() * 300), { GATEWAY_PROCESSES: String(gateways) });
  const workerProcs = Array.from({ length: workers }, () =>
    start(path.join(ROOT, 'dist/apps/worker/src/main.js'), sluiceEnv(s)),
  );
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('events', { connection, prefix: `{${s.prefix}}` });
  let sampler;
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const backlog = async () => {
      const c = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
      return c.wait + c.active + c.delayed + c.prioritized;
    };
    const samples = [];
    sampler = setInterval(
      () =>
        void backlog()
          .then((n) => samples.push(n))
          .catch(() => undefined),
      1000,
    );
    const cpu0 = [cpuSeconds(gw.child.pid), ...workerProcs.map((w) => cpuSeconds(w.pid))];
    const r = await load({
      url: `${gw.base}/publish/allevents`,
      headers: { cookie: `access_token=${gw.token}` },
      duration: DURATION,
      connections: CONNECTIONS,
      unique: UNIQUE_EVENT,
    });
    clearInterval(sampler);
    const cpu1 = [cpuSeconds(gw.child.pid), ...workerProcs.map((w) => cpuSeconds(w.pid))];
    const backlogEnd = await backlog();
    const storedByEnd = await pg(
      s.dbUrl,
      async (c) => (await c.query('SELECT count(*)::int AS n FROM events')).rows[0].n,
    );
    const accepted = r.requests - r.non2xx - r.errors;
    const stats = await waitStored(s, accepted);
    // Jobs hold one request's event or several coalesced ones: the backlog is counted in jobs.
    const perEvent = (cpu) => Math.round((cpu * 1e6) / accepted);
    return {
      accepted: Math.round(accepted / DURATION),
      storedRate: Math.round(storedByEnd / DURATION),
      backlogMax: Math.max(0, ...samples),
      backlogEnd,
      stats,
      requestP99: r.p99,
      refused: r.non2xx + r.errors,
      gatewayCpu: perEvent(cpu1[0] - cpu0[0]),
      workerCpu: perEvent(cpu1.slice(1).reduce((a, b) => a + b, 0) - cpu0.slice(1).reduce((a, b) => a + b, 0)),
    };
  } finally {
    clearInterval(sampler);
    await queue.close();
    connection.disconnect();
    await stop(gw.child);
    await Promise.all(workerProcs.map(stop));
  }
}

module.exports = { sustained };
