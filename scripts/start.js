#!/usr/bin/env node
// `npm start`: applies database migrations, then runs the gateway and the worker as two
// processes, and stops both when either ends or on SIGINT/SIGTERM. Outside production it makes
// one pair of throwaway secrets for both processes (they must agree on JWT_SECRET) and keeps them
// in .sluice/dev-secrets.env (ignored by git), so that a restart keeps sessions and stored secrets.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');
const pino = require('pino');
const settings = require('./process-settings');

const dist = path.join(__dirname, '..', 'dist');
// The built libs/config (this runs after `npm run build`): one definition of the throwaway secrets.
const { keepDevSecrets } = require(path.join(dist, 'libs/config/src/dev-secrets.js'));
// Malloc settings: see process-settings.js.
const env = { ...settings.env, ...process.env };
// As the processes it starts log (LOG_FORMAT): readable lines at a terminal, JSON otherwise. (The
// configuration's classes carry decorators: reflect-metadata first.)
require('reflect-metadata');
const { prettyLogs } = require(path.join(dist, 'libs/config/src/sluice-config.js'));
const { PRETTY } = require(path.join(dist, 'libs/common/src/logging/logger.module.js'));
const log = pino({ name: 'launcher', transport: prettyLogs(env.LOG_FORMAT ?? 'auto') ? PRETTY : undefined });

for (const note of keepDevSecrets(env, path.join(__dirname, '..', '.sluice', 'dev-secrets.env'))) log.warn(note);

// The migration step says itself, in one line, why it failed (PostgreSQL unreachable: where).
const migrated = spawnSync(process.execPath, [path.join(dist, 'libs/database/src/migrations/cli.js')], {
  env,
  stdio: 'inherit',
});
if (migrated.status !== 0) process.exit(migrated.status ?? 1);

let children = [];
let stopping = false;
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

main().catch((err) => {
  log.fatal(String(err?.message ?? err));
  process.exit(1);
});

async function main() {
  await checkRedis();
  startChildren();
}

/** Redis unreachable: one line saying where and what to start, instead of both processes' errors. */
async function checkRedis() {
  const { validateEnvironment } = require(path.join(dist, 'libs/config/src/environment.js'));
  const { unreachableMessage } = require(path.join(dist, 'libs/database/src/connection-errors.js'));
  const Redis = require('ioredis');
  const url = validateEnvironment(env).REDIS_URL;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let cause; // the socket's error says more than the rejection's "Connection is closed."
  redis.on('error', (err) => (cause ??= err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(unreachableMessage('Redis', url, cause ?? err));
  } finally {
    redis.disconnect();
  }
}

function startChildren() {
  // One METRICS_PORT given: the gateway takes it and the worker the next (each its own default otherwise).
  const port = Number(env.METRICS_PORT);
  const workerMetrics = env.METRICS_PORT && port > 0 ? { METRICS_PORT: String(port + 1) } : {};
  children = [
    ['gateway', 'apps/gateway/src/main.js', {}],
    ['worker', 'apps/worker/src/main.js', workerMetrics],
  ].map(([name, file, own]) => {
    const child = spawn(process.execPath, [path.join(dist, file)], { env: { ...env, ...own }, stdio: 'inherit' });
    child.on('exit', (code, signal) => {
      if (stopping) return;
      log.info({ code, signal }, `${name} exited`);
      stop(code ?? 1);
    });
    return child;
  });
}

function stop(code) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(() =>
    process.exit(code),
  );
}
