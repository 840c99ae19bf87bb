import { Agent, request } from 'node:http';
import { connect } from 'node:net';

import { PrismaPg } from '@prisma/adapter-pg';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Client } from 'pg';

import { QueueName } from '@sluice/queue';

import { PrismaClient } from '../../libs/database/src/generated/prisma/client';
import { AppProcess } from '../helpers/app-process';
import { ownDatabase } from '../helpers/database';
import { basic, createCustomer, createUser, event, PASSWORD } from '../helpers/fixtures';
import { requestIdsIn } from '../helpers/queues';
import { freePort } from '../helpers/redis-process';
import { eventually } from '../helpers/worker';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
  /** A transport error instead of an answer (reset, refused, hang-up). */
  error?: string;
}

function send(
  port: number,
  agent: Agent | false,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end(body);
  });
}

const UNAVAILABLE = JSON.stringify({ message: 'Service unavailable, retry later' });

/**
 * SIGTERM to a real gateway process (main.ts, from source) while requests are in flight: each
 * is held before its enqueue, in the check of its customer, by a lock the test takes on the
 * `customers` table (of a database of this file's own), so they are still running when the
 * signal arrives. Every request fully received before it gets its real answer (200, its job in
 * Redis), none a reset or a 503; a request that arrives during the close gets the contract's 503
 * with Retry-After, or a closed connection, never Fastify's own 503 body; and the process ends.
 */
describe('gateway SIGTERM with requests in flight', () => {
  let db: { url: string; drop: () => Promise<void> };
  let prisma: PrismaClient;
  let sql: Client;
  let gateway: AppProcess;
  let port: number;
  const prefix = `${process.env.REDIS_PREFIX}:shutdown`;

  beforeAll(async () => {
    db = await ownDatabase('gateway_shutdown');
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    port = await freePort();
    gateway = new AppProcess('gateway', {
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      REDIS_PREFIX: prefix,
      RETRY_AFTER_SECONDS: '4',
      QUEUE_ADD_TIMEOUT_MS: '10000',
      RATE_LIMIT_USER: '0',
      RATE_LIMIT_CUSTOMER: '0',
      GATEWAY_PROCESSES: '1',
    });
    await eventually(
      async () => (await send(port, false, 'GET', '/publish/healthcheck', {})).status,
      (s) => s === 200,
      30_000,
    );
  }, 40_000);

  afterAll(async () => {
    await sql.query('ROLLBACK').catch(() => undefined);
    await sql.end();
    await gateway.stop();
    await prisma.$disconnect();
    await db.drop();
  });

  it('answers every request it received, then closes Redis and exits', async () => {
    const customer = await createCustomer(prisma);
    const held = await createCustomer(prisma);
    const user = await createUser(prisma, { customers: [customer.id, held.id] });
    const login = await send(port, false, 'POST', '/api/v1/user/token', { authorization: basic(user.email, PASSWORD) });
    expect(login.status).toBe(200);
    const token = (JSON.parse(login.body!) as { data: { access_token: string } }).data.access_token;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const publish = (agent: Agent | false, to = customer.id) =>
      send(port, agent, 'POST', '/publish/allevents', headers, JSON.stringify(event(to)));

    // A kept-alive connection, idle when the signal comes; the access data is cached.
    const idle = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await publish(idle)).status).toBe(200);

    // Requests in flight: fully sent, each on a kept-alive connection of its own, held before
    // their enqueue (their customer is not cached yet, and its table is locked).
    await sql.query('BEGIN');
    await sql.query('LOCK TABLE customers IN ACCESS EXCLUSIVE MODE');
    const agents = Array.from({ length: 6 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    const inFlight = agents.map((a) => publish(a, held.id));
    // A client half-way through its request line and headers when the signal comes.
    const late = connect(port, '127.0.0.1');
    let lateText = '';
    late.setEncoding('utf8');
    late.on('data', (c: string) => (lateText += c));
    const lateDone = new Promise<void>((r) => late.on('close', () => r()));
    late.on('error', () => undefined);
    await new Promise<void>((r) => late.once('connect', () => r()));
    late.write('POST /publish/allevents HTTP/1.1\r\nhost: 127.0.0.1\r\n');
    await eventually(
      async () =>
        (
          await sql.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rowCount,
      (n) => (n ?? 0) > 0,
    );
    await sleep(200);

    gateway.signal('SIGTERM');
    await sleep(300);
    const body = JSON.stringify(event(customer.id));
    late.write(
      `authorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    const onIdle = publish(idle);
    await sleep(300);
    await sql.query('COMMIT');

    const answers = await Promise.all(inFlight);
    for (const answer of answers) {
      expect(answer.error).toBeUndefined();
      expect(answer.status).toBe(200);
    }
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      gateway.exited,
      new Promise((r) => (timer = setTimeout(() => r('still running'), 10_000))),
    ]);
    clearTimeout(timer);
    expect(exited).not.toBe('still running');

    // Each 200 is in a job in Redis (requests in flight together may share one).
    const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    const queue = new Queue(QueueName.Events, { connection, prefix: `{${prefix}}` });
    try {
      const queued = await requestIdsIn(queue);
      for (const answer of answers) {
        const { requestId } = JSON.parse(answer.body!) as { requestId: string };
        expect(queued.has(requestId)).toBe(true);
      }
    } finally {
      await queue.close();
      connection.disconnect();
    }

    // The half-sent request (its connection was busy, so it stayed open): the contract's 503
    // with Retry-After, and the connection closed after it.
    await lateDone;
    expect(lateText).toMatch(/^HTTP\/1\.1 503 /);
    expect(lateText).toMatch(/\r\nretry-after: 4\r\n/i);
    expect(lateText).toMatch(/\r\nconnection: close\r\n/i);
    expect(lateText.slice(lateText.indexOf('\r\n\r\n') + 4)).toBe(UNAVAILABLE);
    // The idle kept-alive connection: closed by the gateway, or the contract's 503.
    const idleAnswer = await onIdle;
    if (idleAnswer.status !== undefined) {
      expect(idleAnswer.status).toBe(503);
      expect(idleAnswer.body).toBe(UNAVAILABLE);
      expect(idleAnswer.headers!['retry-after']).toBe('4');
    } else {
      expect(idleAnswer.error).toMatch(/ECONNRESET|ECONNREFUSED|socket hang up|EPIPE/);
    }
    expect(gateway.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
