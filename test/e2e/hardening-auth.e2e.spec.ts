import { PrismaPg } from '@prisma/adapter-pg';
import Redis from 'ioredis';
import * as jwt from 'jsonwebtoken';
import type { Response } from 'light-my-request';

import { PasswordService } from '../../apps/gateway/src/auth/password.service';
import { PrismaClient } from '../../libs/database/src/generated/prisma/client';
import type { AppProcess } from '../helpers/app-process';
import { childPids, startGatewayCluster, stopGatewayCluster } from '../helpers/app-process';
import { basic, createCustomer, createUser, event, login, PASSWORD, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { startRedisProcess } from '../helpers/redis-process';
import { eventually } from '../helpers/worker';

/**
 * Authentication hardening: access tokens must carry `exp` and an `iat` that is not in the
 * future; password logins (POST /api/v1/user/token and Basic auth on /gbpipush) are braked per
 * account and per client address, in Redis, so that all gateway processes share the counts.
 */

const LOGIN = '/api/v1/user/token';
const INVALID_ACCESS = { message: 'Invalid access token' };
const INVALID_LOGIN = { detail: 'Invalid username/password', message: 'Invalid username/password' };
const INVALID_CREDENTIALS = { message: 'Invalid credentials' };
const TOO_MANY = { message: 'Too many requests' };
const WRONG = 'not the password';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const loginAs = (gw: TestGateway, email: string, password: string, remoteAddress = '127.0.0.1') =>
  gw.inject({ method: 'POST', url: LOGIN, headers: { authorization: basic(email, password) }, remoteAddress });

/** 429 {"message": "Too many requests"} with a Retry-After of 1..max seconds; returns it. */
function expectThrottled(res: Response, maxSeconds: number): number {
  expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 429, body: TOO_MANY });
  const retryAfter = String(res.headers['retry-after']);
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(maxSeconds);
  return Number(retryAfter);
}

function expectInvalidLogin(res: Response) {
  expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 401, body: INVALID_LOGIN });
}

const statuses = (responses: Response[]) =>
  responses.reduce<Record<number, number>>(
    (counts, r) => ({ ...counts, [r.statusCode]: (counts[r.statusCode] ?? 0) + 1 }),
    {},
  );

describe('access tokens: exp required, iat not in the future', () => {
  let gw: TestGateway;
  let customer: string;
  let claims: { sub: string; fam: string };

  beforeAll(async () => {
    gw = await startGateway();
    customer = (await createCustomer(gw.prisma)).id;
    const user = await createUser(gw.prisma, { customers: [customer] });
    const { sub, fam } = jwt.decode((await login(gw, user.email)).accessToken) as { sub: string; fam: string };
    claims = { sub, fam };
  });
  afterAll(() => gw?.close());

  /**
   * Signed with the gateway's own key, algorithm, issuer and audience: only the times vary. (The
   * library takes a given `iat` as it is, and leaves it out only with `noTimestamp`.)
   */
  const sign = (times: { iat?: number; exp?: number }) =>
    jwt.sign({ ...claims, ...times }, process.env.JWT_SECRET!, {
      algorithm: 'HS256',
      issuer: 'sluice',
      audience: 'sluice-api',
      noTimestamp: times.iat === undefined,
    });

  const requests: [string, (token: string) => Promise<Response>][] = [
    [
      'POST /publish/allevents (Bearer)',
      (t) =>
        gw.inject({
          method: 'POST',
          url: '/publish/allevents',
          headers: { authorization: `Bearer ${t}` },
          payload: event(customer),
        }),
    ],
    [
      'GET /api/v1/adapters (cookie)',
      (t) => gw.inject({ method: 'GET', url: `/api/v1/adapters?customerid=${customer}`, cookies: { access_token: t } }),
    ],
  ];

  describe.each(requests)('%s', (_route, send) => {
    it.each([
      ['iat now, exp in 900 s', () => ({ iat: nowSeconds(), exp: nowSeconds() + 900 })],
      ['iat 20 s ahead (within the 30 s clock allowance)', () => ({ iat: nowSeconds() + 20, exp: nowSeconds() + 900 })],
    ])('accepts a token with %s', async (_name, times) => {
      const res = await send(sign(times()));
      expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 200, body: expect.anything() });
    });

    it.each([
      ['iat an hour ahead', () => ({ iat: nowSeconds() + 3600, exp: nowSeconds() + 7200 })],
      ['iat 60 s ahead', () => ({ iat: nowSeconds() + 60, exp: nowSeconds() + 900 })],
      ['no exp', () => ({ iat: nowSeconds() })],
      ['no exp and no iat', () => ({})],
      ['no iat', () => ({ exp: nowSeconds() + 900 })],
    ])('refuses a token with %s: 401 Invalid access token', async (_name, times) => {
      const res = await send(sign(times()));
      expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 401, body: INVALID_ACCESS });
    });
  });
});

describe('login brakes (LOGIN_* defaults: 5 failures per account, 100 per address)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw?.close());

  it('answers 30 concurrent wrong passwords with 5 × 401 and 25 × 429, checking the password only 5 times', async () => {
    const user = await createUser(gw.prisma);
    const verify = jest.spyOn(gw.app.get(PasswordService), 'verify');
    try {
      const responses = await Promise.all(Array.from({ length: 30 }, () => loginAs(gw, user.email, WRONG)));
      expect(statuses(responses)).toEqual({ 401: 5, 429: 25 });
      for (const r of responses) {
        if (r.statusCode === 401) expectInvalidLogin(r);
        else expectThrottled(r, 60);
      }
      expect(verify).toHaveBeenCalledTimes(5);
    } finally {
      verify.mockRestore();
    }
  });

  it('lets the owner in once the short wait is over, and the success clears the failures', async () => {
    const user = await createUser(gw.prisma);
    for (let i = 0; i < 5; i++) expectInvalidLogin(await loginAs(gw, user.email, WRONG));
    // Even the right password waits (answering it would tell a guesser it is right).
    const wait = expectThrottled(await loginAs(gw, user.email, PASSWORD), 1);
    await sleep(wait * 1000 + 100);
    expect((await loginAs(gw, user.email, PASSWORD)).statusCode).toBe(200);
    // Counted from zero again: five more failures before any wait.
    for (let i = 0; i < 5; i++) expectInvalidLogin(await loginAs(gw, user.email, WRONG));
    expectThrottled(await loginAs(gw, user.email, WRONG), 1);
  });

  it('brakes only the guessed account: another user logs in from another address and from the same one', async () => {
    const victim = await createUser(gw.prisma);
    const other = await createUser(gw.prisma);
    for (let i = 0; i < 5; i++) expectInvalidLogin(await loginAs(gw, victim.email, WRONG, '203.0.113.7'));
    expectThrottled(await loginAs(gw, victim.email, WRONG, '203.0.113.7'), 60);
    // The account waits whichever address it is tried from.
    expectThrottled(await loginAs(gw, victim.email, PASSWORD, '198.51.100.9'), 60);

    expect((await loginAs(gw, other.email, PASSWORD, '198.51.100.9')).statusCode).toBe(200);
    expect((await loginAs(gw, other.email, PASSWORD, '203.0.113.7')).statusCode).toBe(200);
  });

  it('counts unknown emails like known ones (no hint that an account exists), case-insensitively', async () => {
    const unknown = `${uniqueId('nobody')}@example.com`;
    for (let i = 0; i < 5; i++) expectInvalidLogin(await loginAs(gw, i % 2 ? unknown.toUpperCase() : unknown, WRONG));
    expectThrottled(await loginAs(gw, unknown, WRONG), 60);
  });

  it('does not count requests without credentials to check (malformed Basic header)', async () => {
    const user = await createUser(gw.prisma);
    for (let i = 0; i < 10; i++) {
      const res = await gw.inject({ method: 'POST', url: LOGIN, headers: { authorization: 'Basic bm9jb2xvbg==' } });
      expectInvalidLogin(res);
    }
    expect((await loginAs(gw, user.email, PASSWORD)).statusCode).toBe(200);
  });

  it('brakes wrong Basic passwords on /gbpipush the same way, and counts them with the token API', async () => {
    const customer = (await createCustomer(gw.prisma)).id;
    const user = await createUser(gw.prisma, { customers: [customer] });
    const push = (password: string) =>
      gw.inject({
        method: 'POST',
        url: `/gbpipush/${customer}`,
        headers: { authorization: basic(user.email, password) },
        payload: { state: 6, sysid: 'none' },
      });
    for (let i = 0; i < 3; i++) {
      const res = await push(WRONG);
      expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 401, body: INVALID_CREDENTIALS });
    }
    for (let i = 0; i < 2; i++) expectInvalidLogin(await loginAs(gw, user.email, WRONG));
    expectThrottled(await push(WRONG), 60);
    expectThrottled(await push(PASSWORD), 60);
    expectThrottled(await loginAs(gw, user.email, PASSWORD), 60);
  });
});

describe('login brakes: the delay doubles up to LOGIN_MAX_DELAY', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ LOGIN_MAX_FAILURES: '2', LOGIN_MAX_DELAY: '2' });
  });
  afterAll(() => gw?.close());

  it('waits 1 s after the 2nd failure, 2 s after the 3rd, and no more than 2 s after the 4th', async () => {
    const user = await createUser(gw.prisma);
    expectInvalidLogin(await loginAs(gw, user.email, WRONG));
    expectInvalidLogin(await loginAs(gw, user.email, WRONG));
    const delays: number[] = [];
    for (let round = 0; round < 3; round++) {
      const wait = expectThrottled(await loginAs(gw, user.email, WRONG), 2);
      delays.push(wait);
      await sleep(wait * 1000 + 100);
      expectInvalidLogin(await loginAs(gw, user.email, WRONG));
    }
    expect(delays).toEqual([1, 2, 2]);
    const wait = expectThrottled(await loginAs(gw, user.email, PASSWORD), 2);
    await sleep(wait * 1000 + 100);
    expect((await loginAs(gw, user.email, PASSWORD)).statusCode).toBe(200);
  });
});

describe('login brakes per client address (LOGIN_MAX_FAILURES_PER_IP)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ LOGIN_MAX_FAILURES_PER_IP: '4', LOGIN_FAILURE_WINDOW: '3' });
  });
  afterAll(() => gw?.close());

  it('refuses an address after its budget of failures over many accounts, for the window; others log in', async () => {
    const user = await createUser(gw.prisma);
    const spray = '192.0.2.44';
    // Successes cost an address nothing.
    for (let i = 0; i < 6; i++) expect((await loginAs(gw, user.email, PASSWORD, spray)).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expectInvalidLogin(await loginAs(gw, `${uniqueId('guess')}@example.com`, WRONG, spray));
    expectThrottled(await loginAs(gw, `${uniqueId('guess')}@example.com`, WRONG, spray), 3);
    expectThrottled(await loginAs(gw, user.email, PASSWORD, spray), 3);

    expect((await loginAs(gw, user.email, PASSWORD, '192.0.2.45')).statusCode).toBe(200);

    await eventually(
      async () => (await loginAs(gw, user.email, PASSWORD, spray)).statusCode,
      (s) => s === 200,
      5000,
    );
  });

  it('takes the address from X-Forwarded-For (trustProxy), so a proxy does not pool its clients', async () => {
    const user = await createUser(gw.prisma);
    const via = (client: string, password: string) =>
      gw.inject({
        method: 'POST',
        url: LOGIN,
        headers: { authorization: basic(user.email, password), 'x-forwarded-for': client },
      });
    for (let i = 0; i < 4; i++) expectInvalidLogin(await via('192.0.2.60', WRONG));
    expectThrottled(await via('192.0.2.60', PASSWORD), 3);
    expect((await via('192.0.2.61', PASSWORD)).statusCode).toBe(200);
  });
});

describe('login brakes live in Redis, under REDIS_PREFIX', () => {
  it('outlive the gateway that counted them, and are not seen by one on another prefix', async () => {
    // A first wait long enough to outlast closing one gateway and starting the next on a busy machine.
    const slow = { LOGIN_FIRST_DELAY: '60' };
    const first = await startGateway(slow);
    const user = await createUser(first.prisma);
    const prefix = first.redisPrefix;
    try {
      for (let i = 0; i < 5; i++) expectInvalidLogin(await loginAs(first, user.email, WRONG));
    } finally {
      await first.close();
    }
    const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    try {
      expect((await redis.keys(`${prefix}:{login}:*`)).length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
    // One at a time: a process has one passport registry, which the newest gateway's strategy takes.
    const second = await startGateway({ ...slow, REDIS_PREFIX: prefix });
    try {
      // Until its Redis connection is up, a new gateway lets logins through unbraked (and counts
      // nothing): wait for that, then the counts of the first must hold.
      const braked = await eventually(
        () => loginAs(second, user.email, WRONG),
        (r) => r.statusCode !== 401,
        5000,
      );
      expectThrottled(braked, 60);
    } finally {
      await second.close();
    }
    const elsewhere = await startGateway();
    try {
      expect((await loginAs(elsewhere, user.email, PASSWORD)).statusCode).toBe(200);
    } finally {
      await elsewhere.close();
    }
  });
});

describe('login brakes while Redis is down', () => {
  it('let logins through unbraked (an outage must not lock everyone out), and brake again once Redis is back', async () => {
    const redis = await startRedisProcess();
    const gw = await startGateway({ REDIS_URL: redis.url });
    try {
      const user = await createUser(gw.prisma);
      await redis.kill();
      for (let i = 0; i < 7; i++) expectInvalidLogin(await loginAs(gw, user.email, WRONG));
      expect((await loginAs(gw, user.email, PASSWORD)).statusCode).toBe(200);

      await redis.start();
      await eventually(
        async () => (await loginAs(gw, user.email, WRONG)).statusCode,
        (s) => s === 429,
        10_000,
      );
    } finally {
      await gw.close();
      await redis.kill();
    }
  }, 30_000);
});

describe('login brakes across the processes of GATEWAY_PROCESSES=2', () => {
  let primary: AppProcess;
  let base: string;
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL! }) });

  beforeAll(async () => {
    ({ primary, base } = await startGatewayCluster({
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}:login-cluster`,
      LOGIN_MAX_FAILURES: '4',
    }));
  }, 90_000);

  afterAll(async () => {
    await stopGatewayCluster(primary);
    await prisma.$disconnect();
  });

  it('counts the failures of one account once, whichever process answers', async () => {
    expect(childPids(primary.pid)).toHaveLength(2);
    const user = await createUser(prisma);
    const results: number[] = [];
    // A new connection per request: the cluster hands connections to its processes in turn.
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${base}${LOGIN}`, {
        method: 'POST',
        headers: { authorization: basic(user.email, WRONG), connection: 'close' },
      });
      results.push(res.status);
      await res.arrayBuffer();
    }
    expect(results).toEqual([401, 401, 401, 401, 429, 429, 429, 429]);
  });
});
