#!/usr/bin/env node
// `npm start`: applies database migrations, then runs the gateway and the worker as two
// processes, and stops both when either ends or on SIGINT/SIGTERM. Outside production it makes
// one pair of throwaway secrets for both processes (they must agree on JWT_SECRET).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const settings = require('./process-settings');

const dist = path.join(__dirname, '..', 'dist');
// Malloc settings: see process-settings.js.
const env = { ...settings.env, ...process.env };
const log = (msg, extra = {}) => console.log(JSON.stringify({ level: 30, time: Date.now(), name: 'launcher', msg, ...extra }));

if (env.NODE_ENV !== 'production') {
  if (!env.JWT_SECRET) {
    env.JWT_SECRET = randomBytes(32).toString('base64url');
    log('JWT_SECRET is not set: using a throwaway secret; tokens end when Sluice stops');
  }
  if (!env.SECRETS_KEY) {
    env.SECRETS_KEY = randomBytes(32).toString('base64');
    log('SECRETS_KEY is not set: using a throwaway key; stored integration secrets will not survive a restart');
  }
}

// The migration step says itself, in one line, why it failed (PostgreSQL unreachable: where).
const migrated = spawnSync(process.execPath, [path.join(dist, 'libs/database/src/migrations/cli.js')], { env, stdio: 'inherit' });
if (migrated.status !== 0) process.exit(migrated.status ?? 1);

let children = [];
let stopping = false;
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

main().catch((err) => {
  log(String(err?.message ?? err), { level: 60 });
  process.exit(1);
});

async function main() {
  await checkRedis();
  startChildren();
}

/** Redis unreachable: one line saying where and what to start, instead of both processes' errors. */
async function checkRedis() {
  require('reflect-metadata');
  const { validateEnvironment } = require(path.join(dist, 'libs/config/src/environment.js'));
  const { unreachableMessage } = require(path.join(dist, 'libs/database/src/connection-errors.js'));
  const Redis = require('ioredis');
  const url = validateEnvironment(env).REDIS_URL;
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
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
  children = [
    ['gateway', 'apps/gateway/src/main.js'],
    ['worker', 'apps/worker/src/main.js'],
  ].map(([name, file]) => {
    const child = spawn(process.execPath, [path.join(dist, file)], { env, stdio: 'inherit' });
    child.on('exit', (code, signal) => {
      if (stopping) return;
      log(`${name} exited`, { code, signal });
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
