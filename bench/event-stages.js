#!/usr/bin/env node
// `node bench/event-stages.js` (after `npm run build`): where the event writer's time goes.
// Persists 100 jobs of 500 events, one after another on one connection, through the real
// EventWriter, and prints the time spent in each SQL statement kind. Not part of `npm run bench`.
'use strict';
const { scratch, sluiceEnv, migrate, cleanup } = require('./lib');
const pg = require('pg');
(async () => {
  const s = scratch();
  migrate(s);
  Object.assign(process.env, sluiceEnv(s), { LOG_LEVEL: 'silent' });
  const times = new Map();
  const orig = pg.Client.prototype.query;
  pg.Client.prototype.query = function (text, ...rest) {
    const key = (typeof text === 'string' ? text : text.text).replace(/\s+/g, ' ').trim().slice(0, 50);
    const t0 = process.hrtime.bigint();
    const p = orig.call(this, text, ...rest);
    if (p && p.then)
      p.then(
        () => {
          const d = Number(process.hrtime.bigint() - t0) / 1e6;
          const e = times.get(key) ?? [0, 0];
          times.set(key, [e[0] + d, e[1] + 1]);
        },
        () => {},
      );
    return p;
  };
  require('reflect-metadata');
  const { NestFactory } = require('@nestjs/core');
  const { WorkerModule } = require('../dist/apps/worker/src/worker.module');
  const { EventWriter } = require('../dist/apps/worker/src/events/event.writer');
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
  const writer = app.get(EventWriter);
  const T0 = Date.UTC(2024, 4, 1);
  const t0 = Date.now();
  let n = 0;
  for (let j = 0; j < 100; j++) {
    const records = Array.from({ length: 500 }, () => {
      const i = n++;
      return {
        envcustomerid: 'bench',
        ieventid: `e-${i}`,
        entity: `h${i % 5000}`,
        entityid: `h${i % 5000}`,
        parametercategory: Math.floor(i / 5000) % 2 ? 'cpu' : 'disk',
        parametername: 'p',
        severity: i % 17 ? 2 + (i % 4) : 0,
        firstoccurrence: new Date(T0 + i * 1000).toISOString(),
        description: 'x',
        source: 'b',
      };
    });
    await writer.write({ requestId: `r${j}`, receivedAt: new Date().toISOString(), userId: 'u', records });
  }
  const total = Date.now() - t0;
  console.log('total ms', total, 'events/s', Math.round(50000 / (total / 1000)));
  for (const [k, [ms, c]] of [...times.entries()].sort((a, b) => b[1][0] - a[1][0]).slice(0, 12))
    console.log(ms.toFixed(0).padStart(7), 'ms', String(c).padStart(5), k);
  await app.close();
  await cleanup(s);
})();
