import type { ClientConfig, PoolClient, QueryConfig } from 'pg';
import { Client, Pool } from 'pg';

import { isConnectionError } from './connection-errors';
import type { OutageLog } from './outage-log';
import { outageLog } from './outage-log';

/** Injection token of the process's one node-postgres pool, shared by Prisma and the bulk writers. */
export const PG_POOL = Symbol('PG_POOL');

export interface PoolSettings {
  url: string;
  max: number;
  connectTimeoutMs: number;
}

/**
 * The pool, made so that a lost or refused connection is an outage to report, never a crash:
 * every client has an `error` listener (a connection that dies while a client is checked out
 * and between two queries emits `error` on it, and node-postgres has none there: an uncaught
 * exception), the pool has one (idle clients' errors are re-emitted on it), and each connection
 * attempt tells the server's OutageLog whether it succeeded. A connection attempt gives up
 * after `connectTimeoutMs`, so that an unreachable host fails a query quickly instead of
 * holding it for the operating system's TCP timeout.
 */
export function createPool(settings: PoolSettings): Pool {
  const outage = outageLog('PostgreSQL', settings.url);
  const pool = new Pool({
    connectionString: settings.url,
    max: settings.max,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    Client: reportingClient(outage),
  });
  pool.on('error', () => undefined); // already reported by the client's own listener
  return pool;
}

function reportingClient(outage: OutageLog): typeof Client {
  const report = (err: unknown) => {
    if (!err) outage.up();
    else if (isConnectionError(err)) outage.down(err);
  };
  return class ReportingClient extends Client {
    constructor(config?: string | ClientConfig) {
      super(config);
      this.on('error', report);
    }

    override connect(): Promise<Client>;
    override connect(callback: (err: Error) => void): void;
    override connect(callback?: (err: Error) => void): Promise<Client> | void {
      if (!callback) {
        return super.connect().then(
          (client) => (report(undefined), client),
          (err) => {
            report(err);
            throw err;
          },
        );
      }
      super.connect((err: Error) => {
        report(err);
        callback(err);
      });
    }
  };
}

/**
 * Resolves once PostgreSQL answers again, for work that waits out an outage instead of failing.
 * However many callers wait, one probe a second runs; it ends at once on an error that is not
 * a connection error (the pool was closed, the database is gone), leaving that to the callers'
 * next attempt.
 */
export class DatabaseReachability {
  private probing?: Promise<void>;

  constructor(
    private readonly pool: Pool,
    private readonly intervalMs = 1000,
  ) {}

  whenReachable(): Promise<void> {
    this.probing ??= this.probe().finally(() => (this.probing = undefined));
    return this.probing;
  }

  private async probe(): Promise<void> {
    for (;;) {
      try {
        await this.pool.query('SELECT 1');
        return;
      } catch (err) {
        if (!isConnectionError(err)) return;
      }
      await new Promise((r) => setTimeout(r, this.intervalMs));
    }
  }
}

/** What a repository method runs its SQL on: the pool, or the client of the caller's transaction. */
export type Queryable = Pick<PoolClient, 'query'>;

/** Runs `work` in one transaction on one connection of the pool: committed, or rolled back on error. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await transaction(client, work);
  } finally {
    client.release();
  }
}

/** Runs `work` in one transaction on a connection the caller holds: committed, or rolled back on error. */
export async function transaction<C extends Queryable, T>(client: C, work: (client: C) => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export function preparedStatement(name: string, text: string): (values: unknown[]) => QueryConfig {
  return (values) => ({ name, text, values });
}
