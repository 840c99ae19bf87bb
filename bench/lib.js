// Shared pieces of the benchmarks: a scratch database and Redis prefix per run, child processes,
// peak RSS, and the report appended to BENCHMARKS.md.
'use strict';
const { fork, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Redis = require('ioredis');
const { Client } = require('pg');

const SETTINGS = require('../scripts/process-settings');
const ROOT = path.join(__dirname, '..');
// The built libs/config (`npm run bench` builds first): the defaults of Sluice itself.
const { DEFAULTS } = require('../dist/libs/config/src/defaults.js');
const REDIS_URL = process.env.REDIS_URL ?? DEFAULTS.REDIS_URL;
const PG_BASE = process.env.DATABASE_URL ?? DEFAULTS.DATABASE_URL;

function scratch() {
  const id = randomBytes(3).toString('hex');
  return {
    id,
    prefix: `sluice-bench-${id}`,
    dbName: `sluice_bench_${id}`,
    dbUrl: PG_BASE.replace(/\/[^/]*$/, `/sluice_bench_${id}`),
  };
}

/** The environment of a Sluice process in a benchmark: production mode, no request logs, no limits. */
function sluiceEnv(s, extra = {}) {
  return {
    // The malloc settings `npm start` and the container image use; the caller's environment wins.
    ...SETTINGS.env,
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: s.dbUrl,
    REDIS_URL,
    REDIS_PREFIX: s.prefix,
    JWT_SECRET: s.jwtSecret ?? (s.jwtSecret = randomBytes(32).toString('hex')),
    SECRETS_KEY: s.secretsKey ?? (s.secretsKey = randomBytes(32).toString('base64')),
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'warn',
    LOG_REQUESTS: 'false',
    RATE_LIMIT_USER: '0',
    RATE_LIMIT_CUSTOMER: '0',
    QUEUE_MAX_BACKLOG: '100000000',
    // Several gateways and workers at once: none serves /metrics (they would share a port).
    METRICS_PORT: '0',
    ...extra,
  };
}

function migrate(s) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/libs/database/src/migrations/cli.js')], {
    env: sluiceEnv(s),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) throw new Error('migration failed');
}

/**
 * Forks a process; with BENCH_PROFILE=<dir> it writes a V8 CPU profile there when it exits, and
 * BENCH_NODE_ARGS adds Node options (its output then shows).
 */
function start(file, env) {
  const execArgv = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  if (process.env.BENCH_NODE_ARGS) execArgv.push(...process.env.BENCH_NODE_ARGS.split(' '));
  return fork(file, [], {
    env,
    execArgv,
    stdio: ['ignore', process.env.BENCH_NODE_ARGS ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
}

async function waitFor(url, ms = 30_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet: try again after the pause.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

/** Peak resident set (VmHWM) of a live process and its children (a cluster's processes), in MB. */
function peakRssMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    let kb = Number(/VmHWM:\s+(\d+)/.exec(status)[1]);
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    for (const child of children ? children.split(/\s+/) : []) kb += (peakRssMb(Number(child)) ?? 0) * 1024;
    return Math.round(kb / 1024);
  } catch {
    return null;
  }
}

/**
 * CPU seconds (user + system) a live process and its children (a cluster's processes) have used;
 * throws if the process is gone (its figures would be wrong), while a child that just ended counts 0.
 */
function cpuSeconds(pid, child = false) {
  let stat;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if (child) return 0;
    throw new Error(`process ${pid} is gone: ${err.message}`);
  }
  // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name; in clock ticks.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let seconds = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  let children = '';
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  } catch {
    // no children file: none
  }
  for (const c of children ? children.split(/\s+/) : []) seconds += cpuSeconds(Number(c), true);
  return seconds;
}
const CLK_TCK = Number(require('node:child_process').execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;

async function stop(child) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function pg(url, work) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function cleanup(s) {
  const redis = new Redis(REDIS_URL);
  // Sluice's own keys (`<prefix>:…`) and BullMQ's (`{<prefix>}:…`, hash-tagged).
  for (const pattern of [`${s.prefix}*`, `{${s.prefix}*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  redis.disconnect();
  await pg(PG_BASE.replace(/\/[^/]*$/, '/postgres'), (c) =>
    c.query(`DROP DATABASE IF EXISTS "${s.dbName}" WITH (FORCE)`),
  );
}

function machine() {
  return `${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function appendReport(title, lines) {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  if (!fs.existsSync(file))
    fs.writeFileSync(
      file,
      '# Benchmarks\n\nResults of `npm run bench`, newest last. Raw figures; ratios are against the bare-stack baselines measured in the same run.\n\n',
    );
  const text = [`## ${new Date().toISOString()} — ${title}`, '', `Machine: ${machine()}.`, ...lines, ''].join('\n');
  fs.appendFileSync(file, text + '\n');
  console.log(text);
}

module.exports = {
  ROOT,
  REDIS_URL,
  PG_BASE,
  scratch,
  sluiceEnv,
  cpuSeconds,
  migrate,
  start,
  waitFor,
  peakRssMb,
  stop,
  pg,
  cleanup,
  appendReport,
};
