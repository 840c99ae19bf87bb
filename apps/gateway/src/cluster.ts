import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';

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
  for (let i = 0; i < processes; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log('gateway process exited; starting another', { pid: worker.process.pid, code, signal });
    cluster.fork();
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  log(`started ${processes} gateway processes`);
  return true;
}
