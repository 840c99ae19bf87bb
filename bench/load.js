// HTTP load for the scenarios: wrk (Debian's; installed here if missing and we may) with one
// thread, so that the load generator takes far less CPU than the server it loads — autocannon
// takes most of a core on 2 cores, which flattens every server toward the same figure. Autocannon
// remains as a fallback (BENCH_LOADER=autocannon) and for open-loop fixed-rate loads (end-to-end),
// which wrk cannot make.
'use strict';
const { execFile, spawnSync } = require('node:child_process');
const { promisify } = require('node:util');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { cpuSeconds } = require('./lib');

function wrkAvailable() {
  if (spawnSync('wrk', ['-v']).error === undefined) return true;
  if (process.getuid?.() !== 0) return false;
  spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore' });
  return spawnSync('wrk', ['-v']).error === undefined;
}
const LOADER = process.env.BENCH_LOADER ?? (wrkAvailable() ? 'wrk' : 'autocannon');

/** What the loader is, for the report's command line. */
const loaderName = () => (LOADER === 'wrk' ? 'wrk, 1 thread' : 'autocannon');

/**
 * POSTs `body` to `url` from `connections` connections for `duration` s. With `unique: [head,
 * tail]` each body is head + a unique id + tail (a fresh `ieventid` per request). With `pid`, the
 * result's `cpu` is the CPU seconds that process (and its children) spent during the load.
 */
async function load({ url, headers = {}, duration, connections, body, unique, pid }) {
  const cpuBefore = pid === undefined ? 0 : cpuSeconds(pid);
  const result =
    LOADER === 'wrk'
      ? await wrkLoad({ url, headers, duration, connections, body, unique })
      : await autocannonLoad({ url, headers, duration, connections, body, unique });
  if (pid !== undefined) result.cpu = cpuSeconds(pid) - cpuBefore;
  return result;
}

async function wrkLoad({ url, headers, duration, connections, body, unique }) {
  const lua = `
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
${Object.entries(headers)
  .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
  .join('\n')}
${
  unique
    ? `local n = 0
local tag = tostring(math.random(1, 1e9))
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, ${JSON.stringify(unique[0])} .. "wrk-" .. tag .. "-" .. n .. ${JSON.stringify(unique[1])})
end`
    : `wrk.body = ${luaString(body)}`
}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
`;
  const script = path.join(os.tmpdir(), `sluice-wrk-${process.pid}.lua`);
  fs.writeFileSync(script, lua);
  // Asynchronous, so that a scenario can sample the queues while wrk runs.
  const { stdout: out } = await promisify(execFile)(
    'wrk',
    ['-t1', `-c${connections}`, `-d${duration}s`, '--latency', '-s', script, url],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const [requests, p50, p99, non2xx, errors] = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(out).slice(1).map(Number);
  return { requests, seconds: duration, p50: Math.round(p50 / 1000), p99: Math.round(p99 / 1000), non2xx, errors };
}

/** A Lua long string holding `text` (a level of `=` that the text does not contain). */
function luaString(text) {
  let eq = '=';
  while (text.includes(`]${eq}]`)) eq += '=';
  return `[${eq}[${text}]${eq}]`;
}

async function autocannonLoad({ url, headers, duration, connections, body, unique }) {
  let n = 0;
  const r = await autocannon({
    url,
    method: 'POST',
    connections,
    duration,
    headers: { 'content-type': 'application/json', ...headers },
    ...(unique
      ? { requests: [{ setupRequest: (req) => ({ ...req, body: `${unique[0]}ac-${n++}${unique[1]}` }) }] }
      : { body }),
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

module.exports = { load, loaderName, LOADER };
