import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../libs/database/src/generated/prisma/client';
import { basic, createCustomer, createUser, event, PASSWORD } from '../helpers/fixtures';
import { freePort } from '../helpers/redis-process';
import { eventually } from '../helpers/worker';
import { childPids } from '../helpers/app-process';

const ROOT = join(__dirname, '..', '..');


/**
 * GATEWAY_PROCESSES: the real main.ts, run from source in a child process, as a cluster of two
 * gateway processes on one port.
 */
describe('gateway cluster (GATEWAY_PROCESSES=2)', () => {
  let primary: ChildProcess;
  let base: string;
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL! }) });

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      GATEWAY_PROCESSES: '2',
      LOG_LEVEL: 'warn',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}:cluster`,
      RATE_LIMIT_USER: '0',
      RATE_LIMIT_CUSTOMER: '0',
      NODE_OPTIONS: '',
    };
    // No secrets given: the primary makes one pair for both processes.
    delete env.JWT_SECRET;
    delete env.SECRETS_KEY;
    primary = spawn(process.execPath, ['-r', './test/helpers/ts-register.js', 'apps/gateway/src/main.ts'], { cwd: ROOT, env, stdio: 'ignore' });
    await eventually(
      async () => (await fetch(`${base}/publish/healthcheck`).catch(() => undefined))?.status,
      (status) => status === 200,
      60_000,
    );
  }, 90_000);

  afterAll(async () => {
    if (primary.exitCode === null) {
      primary.kill('SIGKILL');
      for (const pid of childPids(primary.pid!)) process.kill(pid, 'SIGKILL');
    }
    await prisma.$disconnect();
  });

  it('runs two gateway processes that accept each other\'s tokens', async () => {
    expect(childPids(primary.pid!)).toHaveLength(2);
    const customer = await createCustomer(prisma as never);
    const user = await createUser(prisma as never, { customers: [customer.id] });
    const login = await fetch(`${base}/api/v1/user/token`, { method: 'POST', headers: { authorization: basic(user.email, PASSWORD) } });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    // Connections are handed out in turn, so these requests reach both processes.
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${base}/publish/allevents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify(event(customer.id)),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual(Array(8).fill(200));
  });

  it('replaces a gateway process that dies', async () => {
    const [victim] = childPids(primary.pid!);
    process.kill(victim, 'SIGKILL');
    const replaced = await eventually(
      async () => childPids(primary.pid!),
      (pids) => pids.length === 2 && !pids.includes(victim),
      60_000,
    );
    expect(replaced).toHaveLength(2);
    await eventually(async () => (await fetch(`${base}/publish/healthcheck`).catch(() => undefined))?.status, (s) => s === 200, 60_000);
  }, 90_000);

  it('stops every process on SIGTERM', async () => {
    const pids = childPids(primary.pid!);
    const exited = new Promise<number | null>((r) => primary.once('exit', (code) => r(code)));
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);
});
