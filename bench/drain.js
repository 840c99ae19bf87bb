// Scenario 3 — workers: drain rate of a pre-filled queue (events into alerts; metric samples),
// next to a plain COPY of the same rows into the same table, in the same run. The COPY baseline
// stores rows only; the worker also de-duplicates and folds every event into its alert.
'use strict';
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const { Readable } = require('node:stream');
const { Queue } = require('bullmq');
const Redis = require('ioredis');
const { from: copyFrom } = require('pg-copy-streams');
const { ROOT, REDIS_URL, sluiceEnv, migrate, start, peakRssMb, stop, pg, appendReport } = require('./lib');

const RECORDS = Number(process.env.BENCH_DRAIN_RECORDS ?? 200_000);
const BATCH = Number(process.env.BENCH_DRAIN_BATCH ?? 500);
const CONCURRENCY = process.env.WORKER_CONCURRENCY ?? '8';
const COPY_CHUNK = 10_000;
const T0 = Date.UTC(2024, 4, 1);

// 200,000 events over 10,000 alerts (5,000 entities × 2 parameters): ~20 events per alert, so
// the fold does real work (updates, severity changes, resolves), not only inserts.
function eventRecord(i) {
  const entity = i % 5000;
  const cpu = Math.floor(i / 5000) % 2 === 0;
  const severity = i % 17 === 0 ? 0 : 2 + (i % 4);
  return {
    envcustomerid: 'bench',
    ieventid: `evt-${i}`,
    entity: `host-${entity}.prod.example.net`,
    entityid: `host-${entity}`,
    parametercategory: cpu ? 'cpu' : 'disk',
    parametername: cpu ? 'cpu.utilization' : 'disk.free',
    severity,
    description: 'threshold exceeded on the host for the last five minutes',
    firstoccurrence: new Date(T0 + i * 1000).toISOString(),
    source: 'bench',
  };
}

function metricRecord(i) {
  return {
    envcustomerid: 'bench',
    entityid: `host-${i % 5000}`,
    parametername: 'cpu.utilization',
    value: (i % 1000) / 10,
    unit: '%',
    timestamp: new Date(T0 + Math.floor(i / 5000) * 60_000).toISOString(),
    tags: { core: String(i % 4) },
  };
}

const nul = (v) => (v === null || v === undefined ? '\\N' : String(v));

function eventCopyLine(r) {
  return (
    [
      r.envcustomerid,
      r.ieventid,
      r.entity,
      r.entityid,
      r.parametercategory,
      null,
      r.parametername,
      r.parametername,
      r.severity,
      r.description,
      null,
      r.firstoccurrence,
      r.firstoccurrence,
      null,
      r.source,
      null,
      null,
      new Date().toISOString(),
    ]
      .map(nul)
      .join('\t') + '\n'
  );
}
const EVENT_COLUMNS =
  'envcustomerid, ieventid, entity, entityid, parametercategory, parametertype, parametername, parameterid, severity, description, messages, firstoccurrence, lastoccurrence, splitby, source, toolcustomername, extra, received_at';

function metricCopyLine(r) {
  const tagsKey = JSON.stringify(
    Object.keys(r.tags)
      .sort()
      .map((k) => [k, r.tags[k]]),
  );
  return (
    [
      r.envcustomerid,
      r.entityid,
      r.parametername,
      r.timestamp,
      tagsKey,
      r.value,
      null,
      null,
      r.parametername,
      r.unit,
      JSON.stringify(r.tags),
      null,
      new Date().toISOString(),
    ]
      .map(nul)
      .join('\t') + '\n'
  );
}
const METRIC_COLUMNS =
  'envcustomerid, entityid, parameterid, ts, tags_key, value, entity, parametercategory, parametername, unit, tags, extra, received_at';

async function copyRate(s, table, columns, records, line) {
  return pg(s.dbUrl, async (client) => {
    await client.query(`TRUNCATE ${table}`);
    const started = process.hrtime.bigint();
    for (let i = 0; i < records.length; i += COPY_CHUNK) {
      const chunk = records.slice(i, i + COPY_CHUNK);
      await pipeline(Readable.from(chunk.map(line)), client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`)));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await client.query(`TRUNCATE ${table}`);
    return records.length / seconds;
  });
}

async function drainRate(s, queueName, records) {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection, prefix: `{${s.prefix}}` });
  const jobs = [];
  for (let i = 0; i < records.length; i += BATCH) {
    const requestId = `${queueName}-${i}`;
    jobs.push({
      name: queueName,
      data: { requestId, receivedAt: new Date().toISOString(), userId: 'bench', records: records.slice(i, i + BATCH) },
      opts: { jobId: requestId, removeOnComplete: true, attempts: 3 },
    });
  }
  for (let i = 0; i < jobs.length; i += 100) await queue.addBulk(jobs.slice(i, i + 100));

  const worker = start(
    path.join(ROOT, 'dist/apps/worker/src/main.js'),
    sluiceEnv(s, { WORKER_CONCURRENCY: CONCURRENCY }),
  );
  let startedAt;
  let finishedAt;
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    const counts = await queue.getJobCounts('wait', 'active', 'failed', 'delayed');
    const left = counts.wait + counts.active + counts.delayed;
    if (startedAt === undefined && left < jobs.length) startedAt = process.hrtime.bigint();
    if (left === 0) {
      finishedAt = process.hrtime.bigint();
      if (counts.failed > 0) throw new Error(`${counts.failed} ${queueName} jobs failed`);
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const rss = peakRssMb(worker.pid);
  await stop(worker);
  await queue.close();
  connection.disconnect();
  if (finishedAt === undefined) throw new Error(`${queueName} queue did not drain in 10 minutes`);
  return { rate: records.length / (Number(finishedAt - startedAt) / 1e9), rss };
}

async function drain(s) {
  migrate(s);
  const events = Array.from({ length: RECORDS }, (_, i) => eventRecord(i));
  const metrics = Array.from({ length: RECORDS }, (_, i) => metricRecord(i));

  // COPY runs right before and right after each drain, and the ratio is against their mean: this
  // VM's speed drifts by tens of percent over minutes.
  const eventCopyBefore = await copyRate(s, 'events', EVENT_COLUMNS, events, eventCopyLine);
  const eventDrain = await drainRate(s, 'events', events);
  const stored = await pg(s.dbUrl, async (c) => ({
    events: Number((await c.query('SELECT count(*) FROM events')).rows[0].count),
    alerts: Number((await c.query('SELECT count(*) FROM alerts')).rows[0].count),
    history: Number((await c.query('SELECT count(*) FROM alert_history')).rows[0].count),
  }));
  if (stored.events !== RECORDS) throw new Error(`expected ${RECORDS} events stored, found ${stored.events}`);
  const eventCopy = [eventCopyBefore, await copyRate(s, 'events', EVENT_COLUMNS, events, eventCopyLine)];

  const metricCopyBefore = await copyRate(s, 'metric_samples', METRIC_COLUMNS, metrics, metricCopyLine);
  const metricDrain = await drainRate(s, 'metrics', metrics);
  const samples = await pg(s.dbUrl, async (c) =>
    Number((await c.query('SELECT count(*) FROM metric_samples')).rows[0].count),
  );
  if (samples !== RECORDS) throw new Error(`expected ${RECORDS} samples stored, found ${samples}`);
  const metricCopy = [metricCopyBefore, await copyRate(s, 'metric_samples', METRIC_COLUMNS, metrics, metricCopyLine)];

  const row = (name, drained, [before, after], rss) => {
    const copy = (before + after) / 2;
    return `| ${name} | ${Math.round(drained)} | ${Math.round(copy)} (${Math.round(before)} / ${Math.round(after)}) | ${(drained / copy).toFixed(2)} | ${rss ?? '-'} |`;
  };
  appendReport('workers: drain rate', [
    `Command: \`npm run bench -- drain\` (${RECORDS} records per kind, pre-filled as ${RECORDS / BATCH} jobs of ${BATCH}; one worker process, WORKER_CONCURRENCY=${CONCURRENCY}; COPY baseline in ${COPY_CHUNK}-row COPY statements into the same table, empty, right before and right after each drain).`,
    `Events stored: ${stored.events}, alerts: ${stored.alerts}, history rows: ${stored.history}; samples stored: ${samples}.`,
    '',
    '| kind | worker records/s | COPY rows/s (before / after) | × COPY | worker peak RSS MB |',
    '|---|---|---|---|---|',
    row('events (dedup + fold into alerts)', eventDrain.rate, eventCopy, eventDrain.rss),
    row('metric samples', metricDrain.rate, metricCopy, metricDrain.rss),
  ]);
}

module.exports = { drain };
