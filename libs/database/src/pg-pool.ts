import { Pool, PoolClient, QueryConfig } from 'pg';

/** Injection token of the process's one node-postgres pool, shared by Prisma and the bulk writers. */
export const PG_POOL = Symbol('PG_POOL');

/** Runs `work` in one transaction on one connection of the pool: committed, or rolled back on error. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * A statement that each pooled connection parses and plans once, by name, then only executes:
 * the workers run the same few bulk statements hundreds of times a second, and an unnamed
 * statement is parsed and planned again on every call.
 */
export function preparedStatement(name: string, text: string): (values: unknown[]) => QueryConfig {
  return (values) => ({ name, text, values });
}
