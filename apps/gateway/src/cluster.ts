import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';

const QUICK_EXIT_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

const log = (msg: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ level: 30, time: Date.now(), name: 'gateway', msg, ...extra }));

/**
 * GATEWAY_PROCESSES > 1: this process becomes the primary of a Node cluster that runs that many
 * gateway processes on the one port (the primary hands out connections), restarts one that dies,
 * and passes SIGTERM/SIGINT on so that each finishes its requests. Outside production it makes
 * the throwaway secrets once, since every process must verify the others' tokens.
 * Returns true in the primary, which then runs no gateway itself.
 */
export function runAsClusterPrimary(): boolean {
  const processes = Number(process.env.GATEWAY_PROCESSES ?? 1);
  if (!cluster.isPrimary || !Number.isInteger(processes) || processes <= 1) return false;

  if (process.env.NODE_ENV !== 'production') {
    process.env.JWT_SECRET ||= randomBytes(32).toString('base64url');
    process.env.SECRETS_KEY ||= randomBytes(32).toString('base64');
  }
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
    log('gateway process exited; starting another', { pid: worker.process.pid, code, signal, delayMs });
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
  log(`started ${processes} gateway processes`);
  return true;
}
