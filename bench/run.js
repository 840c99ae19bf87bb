#!/usr/bin/env node
// `npm run bench [-- scenario ...]`: runs the named scenarios (default: all) against the built
// system and the bare-stack baselines, on loopback only, each bounded in time, and appends the
// results to BENCHMARKS.md. Needs the local PostgreSQL and Redis.
'use strict';
const { scratch, cleanup } = require('./lib');
const { hotPath } = require('./hot-path');
const { batchPath } = require('./batch-path');
const { drain } = require('./drain');
const { endToEnd, endToEndChannels } = require('./end-to-end');
const { ingestPath } = require('./ingest-path');
const { redisMemory } = require('./redis-memory');
const { sustained } = require('./sustained');

const SCENARIOS = {
  'hot-path': hotPath,
  'batch-path': batchPath,
  drain,
  'end-to-end': endToEnd,
  'end-to-end-channels': endToEndChannels,
  'ingest-path': ingestPath,
  'redis-memory': redisMemory,
  sustained,
};

async function main() {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SCENARIOS);
  for (const name of names) {
    if (!SCENARIOS[name]) throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
    const s = scratch();
    try {
      await SCENARIOS[name](s);
    } finally {
      await cleanup(s).catch((err) => console.error(`cleanup: ${err.message}`));
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
