import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { freePort } from './redis-process';

const ROOT = join(__dirname, '..', '..');

export interface LogLine {
  level?: number;
  msg?: string;
  [key: string]: unknown;
}

/**
 * The real gateway or worker (its main.ts, run from source: test/helpers/ts-register.js) in a
 * child process, for tests of what only a process shows: signals, kill -9, start-up and the log.
 * Its JSON log lines and its stderr are kept for assertions.
 */
export class AppProcess {
  readonly logs: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private partial = '';

  constructor(app: 'gateway' | 'worker', env: Record<string, string | undefined>) {
    this.child = spawn(process.execPath, ['-r', './test/helpers/ts-register.js', `apps/${app}/src/main.ts`], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        LOG_LEVEL: 'info',
        LOG_REQUESTS: 'false',
        MAINTENANCE_INTERVAL: '3600',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (this.partial + chunk.toString()).split('\n');
      this.partial = lines.pop()!;
      for (const line of lines.filter(Boolean)) {
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ msg: line });
        }
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.alive) this.child.kill(sig);
  }

  /** The first log line `match` accepts, waiting for it up to `ms`. */
  async waitForLog(match: (line: LogLine) => boolean, ms = 30_000): Promise<LogLine> {
    const until = Date.now() + ms;
    for (;;) {
      const line = this.logs.find(match);
      if (line) return line;
      if (!this.alive) throw new Error(`process exited before the log line; stderr: ${this.stderr.slice(0, 2000)}`);
      if (Date.now() > until)
        throw new Error(`log line not seen within ${ms} ms; last lines: ${JSON.stringify(this.logs.slice(-5))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGKILL if still running, and wait for the end. */
  async stop(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }
}

/** Pids of a process's children (Linux), e.g. the workers of a gateway cluster's primary. */
export function childPids(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text ? text.split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

/**
 * main.ts of the gateway with GATEWAY_PROCESSES=2 (a cluster primary and two gateway processes)
 * on a free port of 127.0.0.1, once it answers; `env` adds to or (undefined) removes from the
 * run's environment. Stop it with `stopGatewayCluster`.
 */
export async function startGatewayCluster(
  env: Record<string, string | undefined>,
): Promise<{ primary: AppProcess; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const primary = new AppProcess('gateway', {
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    GATEWAY_PROCESSES: '2',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const until = Date.now() + 60_000;
  while ((await fetch(`${base}/publish/healthcheck`).catch(() => undefined))?.status !== 200) {
    if (!primary.alive) throw new Error(`gateway cluster exited at start; stderr: ${primary.stderr.slice(0, 2000)}`);
    if (Date.now() > until) throw new Error('gateway cluster not answering within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { primary, base };
}

/** SIGKILL to a cluster's gateway processes, then to its primary. */
export async function stopGatewayCluster(primary: AppProcess): Promise<void> {
  if (primary.alive) for (const pid of childPids(primary.pid)) process.kill(pid, 'SIGKILL');
  await primary.stop();
}
