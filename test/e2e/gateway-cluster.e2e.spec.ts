import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from '../../libs/database/src/generated/prisma/client';
import type { AppProcess } from '../helpers/app-process';
import { childPids, startGatewayCluster, stopGatewayCluster } from '../helpers/app-process';
import { basic, createCustomer, createUser, event, PASSWORD } from '../helpers/fixtures';
import type { Sample } from '../helpers/prometheus';
import { scrape, valueOf } from '../helpers/prometheus';
import { freePort } from '../helpers/redis-process';
import { eventually } from '../helpers/worker';

/**
 * GATEWAY_PROCESSES: the real main.ts, run from source in a child process, as a cluster of two
 * gateway processes on one port.
 */
/** An access token of `email` from the cluster at `base`. */
async function loginAt(base: string, email: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/user/token`, {
    method: 'POST',
    headers: { authorization: basic(email, PASSWORD) },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { access_token: string } }).data.access_token;
}

/**
 * Eight single-event publishes of `customer`, each on a new connection: the cluster hands
 * connections out in turn, so they alternate between its processes. Their statuses, in order;
 * `gapMs` between them.
 */
async function publishRound(
  base: string,
  credential: Record<string, string>,
  customer: string,
  gapMs = 0,
): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) {
    const res = await fetch(`${base}/publish/allevents`, {
      method: 'POST',
      headers: { ...credential, 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify(event(customer)),
    });
    statuses.push(res.status);
    if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
  }
  return statuses;
}

describe('gateway cluster (GATEWAY_PROCESSES=2)', () => {
  let primary: AppProcess;
  let base: string;
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL! }) });

  let metricsUrl: string;

  beforeAll(async () => {
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    // No secrets given: the primary makes one pair for both processes.
    ({ primary, base } = await startGatewayCluster({
      METRICS_PORT: String(metricsPort),
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}:cluster`,
      RATE_LIMIT_USER: '0',
      RATE_LIMIT_CUSTOMER: '0',
      JWT_SECRET: undefined,
      SECRETS_KEY: undefined,
    }));
  }, 90_000);

  afterAll(async () => {
    await stopGatewayCluster(primary);
    await prisma.$disconnect();
  });

  it("runs two gateway processes that accept each other's tokens", async () => {
    expect(childPids(primary.pid)).toHaveLength(2);
    const customer = await createCustomer(prisma);
    const user = await createUser(prisma, { customers: [customer.id] });
    const token = await loginAt(base, user.email);
    expect(await publishRound(base, { authorization: `Bearer ${token}` }, customer.id)).toEqual(Array(8).fill(200));
  });

  it('answers /metrics for both of its processes (spec §10)', async () => {
    const customer = await createCustomer(prisma);
    const user = await createUser(prisma, { customers: [customer.id] });
    const token = await loginAt(base, user.email);
    const accepted = (s: Sample[]) => valueOf(s, 'sluice_records_accepted_total', { route: '/publish/allevents' });
    const before = accepted(await scrape(metricsUrl));
    // Eight requests on new connections alternate between the processes: each counts its four.
    expect(await publishRound(base, { authorization: `Bearer ${token}` }, customer.id)).toEqual(Array(8).fill(200));
    expect(accepted(await scrape(metricsUrl)) - before).toBe(8);
  });

  it('revokes an API key in every process at once (no cache TTL to wait out)', async () => {
    const customer = await createCustomer(prisma);
    const user = await createUser(prisma, { customers: [customer.id] });
    const made = await fetch(`${base}/api/v1/apikeys`, {
      method: 'POST',
      headers: { authorization: basic(user.email, PASSWORD), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'cluster', scopes: ['publish'] }),
    });
    expect(made.status).toBe(201);
    const { id, key } = (await made.json()) as { id: string; key: string };
    // Both processes take the key, and cache it.
    const publish = () => publishRound(base, { 'x-api-key': key }, customer.id);
    expect(await publish()).toEqual(Array(8).fill(200));
    const revoked = await fetch(`${base}/api/v1/apikeys/${id}`, {
      method: 'DELETE',
      headers: { authorization: basic(user.email, PASSWORD), connection: 'close' },
    });
    expect(revoked.status).toBe(204);
    // The processes cache keys for ACCESS_CACHE_TTL (5 s): refused well within it, by both.
    const started = Date.now();
    const after = await eventually(publish, (s) => s.every((status) => status === 401), 1000);
    expect(after).toEqual(Array(8).fill(401));
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a disabled user and a deactivated customer are refused by every process at once', async () => {
    const login = (email: string) => loginAt(base, email);
    const admin = await login((await createUser(prisma, { isSuperadmin: true })).email);
    const customer = await createCustomer(prisma);
    const user = await createUser(prisma, { customers: [customer.id] });
    const token = await login(user.email);
    const publish = () => publishRound(base, { authorization: `Bearer ${token}` }, customer.id);
    const patch = (path: string, body: object) =>
      fetch(`${base}${path}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify(body),
      });
    expect(await publish()).toEqual(Array(8).fill(200)); // both processes cache the user and the customer

    expect((await patch(`/api/v1/admin/customers/${customer.id}`, { active: false })).status).toBe(200);
    // ACCESS_CACHE_TTL is 5 s: refused well within it, by both processes.
    expect(await eventually(publish, (s) => s.every((status) => status === 400), 1000)).toEqual(Array(8).fill(400));
    expect((await patch(`/api/v1/admin/customers/${customer.id}`, { active: true })).status).toBe(200);
    expect(await eventually(publish, (s) => s.every((status) => status === 200), 1000)).toEqual(Array(8).fill(200));

    expect((await patch(`/api/v1/admin/users/${user.id}`, { disabled: true })).status).toBe(200);
    expect(await eventually(publish, (s) => s.every((status) => status === 401), 1000)).toEqual(Array(8).fill(401));
  });

  it('replaces a gateway process that dies', async () => {
    const [victim] = childPids(primary.pid);
    process.kill(victim, 'SIGKILL');
    const replaced = await eventually(
      async () => childPids(primary.pid),
      (pids) => pids.length === 2 && !pids.includes(victim),
      60_000,
    );
    expect(replaced).toHaveLength(2);
    await eventually(
      async () => (await fetch(`${base}/publish/healthcheck`).catch(() => undefined))?.status,
      (s) => s === 200,
      60_000,
    );
  }, 90_000);

  it('stops every process on SIGTERM', async () => {
    const pids = childPids(primary.pid);
    primary.signal('SIGTERM');
    expect((await primary.exited).code).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);
});

describe('gateway cluster: rate limits shared by the processes', () => {
  let primary: AppProcess;
  let base: string;
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL! }) });

  beforeAll(async () => {
    ({ primary, base } = await startGatewayCluster({
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}:cluster-limits`,
      RATE_LIMIT_USER: '5',
      RATE_LIMIT_CUSTOMER: '0',
      RATE_LIMIT_WINDOW: '60',
    }));
  }, 90_000);
  afterAll(async () => {
    await stopGatewayCluster(primary);
    await prisma.$disconnect();
  });

  it('RATE_LIMIT_USER holds for the cluster, not for each process', async () => {
    const customer = await createCustomer(prisma);
    const user = await createUser(prisma, { customers: [customer.id] });
    const token = await loginAt(base, user.email);
    // Longer apart than the processes take to share their counts (SHARE_EVERY_MS).
    const statuses = await publishRound(base, { authorization: `Bearer ${token}` }, customer.id, 250);
    // Per process, 5 each would have let all 8 through.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  });
});
