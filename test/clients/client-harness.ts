import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INestApplicationContext } from '@nestjs/common';

import { apiKey, apiUser, createCustomer } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import type { Json } from '../helpers/tenant';
import { startWorker } from '../helpers/worker';

/**
 * What a real-client test needs: a gateway listening on a port of 127.0.0.1 (the clients speak
 * HTTP), a worker, a customer with an API user holding a publish and a read key, and a folder of
 * its own for the client's configuration and state.
 */
export interface ClientHarness {
  gw: TestGateway;
  base: string;
  customer: string;
  email: string;
  publishKey: string;
  /** GET on the read API (§6) with the read key. */
  read(path: string): Promise<Json>;
  dir: string;
  close(): Promise<void>;
}

export async function startHarness(): Promise<ClientHarness> {
  const gw = await startGateway();
  await gw.app.listen(0, '127.0.0.1');
  const { port } = gw.app.getHttpServer().address() as { port: number };
  const worker: INestApplicationContext = await startWorker(gw.redisPrefix);
  const customer = (await createCustomer(gw.prisma)).id;
  const user = await apiUser(gw, [customer]);
  const readKey = await apiKey(gw, user.auth, ['read']);
  const dir = mkdtempSync(join(tmpdir(), 'sluice-client-'));
  return {
    gw,
    base: `http://127.0.0.1:${port}`,
    customer,
    email: user.user.email,
    publishKey: await apiKey(gw, user.auth, ['publish']),
    read: async (path) => {
      const res = await gw.inject({ method: 'GET', url: path, headers: { 'x-api-key': readKey } });
      if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode} ${res.body}`);
      return res.json<Json>();
    },
    dir,
    close: async () => {
      await worker.close();
      await gw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A client program, its output kept for the failure message; stopped by its PID. */
export class ClientProcess {
  output = '';
  private readonly child: ChildProcess;

  constructor(command: string, args: string[]) {
    this.child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    process.kill(this.child.pid!, 'SIGTERM');
    const timer = setTimeout(() => this.alive && process.kill(this.child.pid!, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** Polls `probe` until `accept` says yes; fails after `ms` with the last value and the client's output. */
export async function until<T>(
  what: string,
  probe: () => Promise<T>,
  accept: (v: T) => boolean,
  client: ClientProcess,
  ms = 45_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe().catch(() => undefined);
    if (last !== undefined && accept(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${what} not seen within ${ms} ms; last: ${JSON.stringify(last)}; client output:\n${client.output.slice(-3000)}`,
  );
}
