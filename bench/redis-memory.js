// Scenario 6 — Redis memory per queued event: BullMQ jobs shaped as the gateway makes them
// (one PublishJob per request, the queue's job options) added to a scratch prefix, with Redis's
// `used_memory` read before and after; single-event requests and 500-event batches. Also how
// much gzip would save of the payloads, to tell whether compressing them pays.
'use strict';
const zlib = require('node:zlib');
const { randomUUID } = require('node:crypto');
const Redis = require('ioredis');
const { Queue } = require('bullmq');
const { REDIS_URL, appendReport } = require('./lib');
const { EVENT } = require('./hot-path');
const { DEFAULT_JOB_OPTIONS } = require('../dist/libs/queue/src/job-options.js');

const CASES = [
  { name: 'single-event requests', jobs: 20_000, events: 1 },
  { name: '500-event batches', jobs: 200, events: 500 },
];

async function usedMemory(redis) {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);
}

async function redisMemory(s) {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const rows = [];
  try {
    for (const c of CASES) {
      const queue = new Queue('events', {
        connection: redis,
        prefix: `{${s.prefix}:${c.events}}`,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      const job = (i) => ({
        requestId: randomUUID(),
        receivedAt: new Date().toISOString(),
        userId: randomUUID(),
        records: Array.from({ length: c.events }, (_, j) => ({ ...EVENT, ieventid: `evt-${i}-${j}` })),
      });
      const payload = JSON.stringify(job(0));
      const gzipped = zlib.gzipSync(payload).length;
      const before = await usedMemory(redis);
      for (let i = 0; i < c.jobs; i += 500) {
        await queue.addBulk(
          Array.from({ length: Math.min(500, c.jobs - i) }, (_, k) => {
            const data = job(i + k);
            return { name: 'events', data, opts: { jobId: data.requestId } };
          }),
        );
      }
      const after = await usedMemory(redis);
      const perJob = (after - before) / c.jobs;
      rows.push(
        `| ${c.name} | ${c.jobs} | ${Math.round(payload.length)} | ${Math.round(perJob)} | ${Math.round(perJob / c.events)} | ${Math.round((after - before) / 2 ** 20)} | ${gzipped} (${((gzipped / payload.length) * 100).toFixed(0)} %) |`,
      );
      await queue.obliterate({ force: true });
      await queue.close();
    }
  } finally {
    redis.disconnect();
  }
  appendReport('Redis memory per queued event', [
    'Command: `npm run bench -- redis-memory` (BullMQ jobs as the gateway adds them, the 590-byte bench event, Redis `used_memory` before and after; no worker).',
    '',
    '| jobs of | jobs | payload bytes | Redis bytes per job | per event | MiB in all | payload gzipped |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ]);
}

module.exports = { redisMemory };
