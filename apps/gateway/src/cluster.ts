import cluster from 'node:cluster';

import pino from 'pino';
import { AggregatorRegistry } from 'prom-client';

import { DEFAULT_METRICS_PORTS, PRETTY, startMetricsServer } from '@sluice/common';
import type { Environment } from '@sluice/config';
import { ensureDevSecrets, prettyLogs, validateEnvironment } from '@sluice/config';

const QUICK_EXIT_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * GATEWAY_PROCESSES > 1: this process becomes the primary of a Node cluster that runs that many
 * gateway processes on the one port (the primary hands out connections), restarts one that dies,
 * and passes SIGTERM/SIGINT on so that each finishes its requests. Outside production it makes
 * the throwaway secrets once, since every process must verify the others' tokens.
 * Returns true in the primary, which then runs no gateway itself.
 */
export function runAsClusterPrimary(): boolean {
  if (!cluster.isPrimary) return false;
  let env: Environment;
  try {
    env = validateEnvironment(process.env);
  } catch {
    return false; // the gateway's own start then reports the bad setting, through Nest's log
  }
  const processes = env.GATEWAY_PROCESSES;
  if (processes <= 1) return false;

  const log = pino({
    name: 'gateway',
    level: env.LOG_LEVEL,
    transport: prettyLogs(env.LOG_FORMAT) ? PRETTY : undefined,
  });
  // Set in this process's environment, which the forked processes inherit.
  for (const made of ensureDevSecrets(process.env)) log.warn(made);
  let stopping = false;
  // A process that dies soon after its start (PostgreSQL unreachable, a bad setting) is started
  // again after a growing pause, up to 30 s, rather than in a tight loop.
  const startedAt = new Map<number, number>();
  let quickExits = 0;
  const fork = () => {
    if (!stopping) startedAt.set(cluster.fork().id, Date.now());
  };
  for (let i = 0; i < processes; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    quickExits = lived < QUICK_EXIT_MS ? quickExits + 1 : 0;
    const delayMs = quickExits === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 500 * 2 ** quickExits);
    log.info({ pid: worker.process.pid, code, signal, delayMs }, 'gateway process exited; starting another');
    setTimeout(fork, delayMs);
  });
  const stop = () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  log.info(`started ${processes} gateway processes`);
  serveClusterMetrics(env, log);
  return true;
}

/**
 * Spec §10: the primary answers /metrics for all of the cluster's processes (prom-client asks
 * each over the cluster's IPC channel and sums counters and histograms; gauges as each declares).
 */
function serveClusterMetrics(env: Environment, log: pino.Logger): void {
  const port = env.METRICS_PORT ?? DEFAULT_METRICS_PORTS.gateway;
  if (port === 0) return;
  const aggregator = new AggregatorRegistry();
  startMetricsServer(port, env.METRICS_HOST, {
    contentType: aggregator.contentType,
    metrics: () => aggregator.clusterMetrics(),
  }).then(
    () => log.info(`Prometheus metrics of all gateway processes on http://${env.METRICS_HOST}:${port}/metrics`),
    (err: Error) => log.error(`metrics endpoint not started: ${err.message}`),
  );
}
