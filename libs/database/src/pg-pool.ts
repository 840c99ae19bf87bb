import { Pool, PoolClient } from 'pg';

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
