import { PrismaPg } from '@prisma/adapter-pg';
import Redis from 'ioredis';
import { Client, Pool } from 'pg';

import { freePort } from '../../../test/helpers/redis-process';
import { isConnectionError, redactUrl, unreachableMessage } from './connection-errors';
import { PrismaClient } from './generated/prisma/client';

const catchError = async (work: () => Promise<unknown>): Promise<unknown> => {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
};

/** Real errors of node-postgres, Prisma's pg adapter and ioredis, not hand-made look-alikes. */
describe('isConnectionError', () => {
  let closed: string;
  beforeAll(async () => {
    closed = `postgresql://postgres:secret@127.0.0.1:${await freePort()}/sluice`;
  });

  it('knows a refused connection, from node-postgres and from Prisma', async () => {
    const pool = new Pool({ connectionString: closed });
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    expect(isConnectionError(await catchError(() => pool.query('SELECT 1')))).toBe(true);
    const viaPrisma = await catchError(() => prisma.user.findFirst());
    expect((viaPrisma as { code?: string }).code).toBe('P1001');
    expect(isConnectionError(viaPrisma)).toBe(true);
    await pool.end();
  });

  it('knows a session the server ended (57P01), and a client used after it', async () => {
    const victim = new Client({ connectionString: process.env.DATABASE_URL });
    await victim.connect();
    victim.on('error', () => undefined);
    const { rows } = await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const during = catchError(() => victim.query('SELECT pg_sleep(5)'));
    await new Promise((r) => setTimeout(r, 200));
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    await admin.end();
    const ended = await during;
    expect((ended as { code?: string }).code).toBe('57P01');
    expect(isConnectionError(ended)).toBe(true);
    expect(isConnectionError(await catchError(() => victim.query('SELECT 1')))).toBe(true);
  });

  it('knows an unreachable Redis', async () => {
    const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    let socketError: unknown;
    redis.on('error', (err) => (socketError = err));
    const rejected = await catchError(() => redis.connect());
    expect(isConnectionError(socketError)).toBe(true);
    expect(isConnectionError(rejected)).toBe(true);
    redis.disconnect();
  });

  it('does not take what the server refused for an outage', async () => {
    const pool = new Pool({ connectionString: process.env.DATABASE_URL });
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    expect(isConnectionError(await catchError(() => pool.query('SELEC 1')))).toBe(false);
    // A NUL in the statement's text: the server ends the session with 08P01, a protocol violation.
    expect(isConnectionError(await catchError(() => pool.query("SELECT 'a\u0000b'")))).toBe(false);
    expect(isConnectionError(await catchError(() => pool.query('SELECT $1::text', ['a\u0000b'])))).toBe(false);
    expect(isConnectionError(await catchError(() => prisma.$queryRawUnsafe('SELECT 1/0')))).toBe(false);
    const missing = new URL(process.env.DATABASE_URL!);
    missing.pathname = '/sluice_no_such_database';
    const other = new Pool({ connectionString: missing.toString() });
    expect(isConnectionError(await catchError(() => other.query('SELECT 1')))).toBe(false);
    await Promise.all([pool.end(), other.end()]);
    expect(isConnectionError(new Error('boom'))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
  });

  it('says where, why and what to do, without the password', async () => {
    const err = await catchError(() => new Pool({ connectionString: closed }).query('SELECT 1'));
    const line = unreachableMessage('PostgreSQL', closed, err);
    expect(line).toMatch(
      /^PostgreSQL at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/sluice is unreachable \(connect ECONNREFUSED .*\): start PostgreSQL or set DATABASE_URL$/,
    );
    expect(line).not.toContain('secret');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
