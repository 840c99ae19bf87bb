import { randomBytes, randomUUID } from 'node:crypto';

import Redis from 'ioredis';
import type { Pool } from 'pg';

import { createPool } from '@sluice/database';
import { Queues } from '@sluice/queue';

/** The worker's `Queues` on the run's Redis, under a key prefix of the caller's own. */
export function workerQueues(): Queues {
  const url = process.env.REDIS_URL!;
  const prefix = `${process.env.REDIS_PREFIX}:${randomBytes(4).toString('hex')}`;
  return new Queues(new Redis(url, { maxRetriesPerRequest: null }), `{${prefix}}`, url);
}

/** A pool on the run's database, as the worker makes it. */
export const workerPool = (): Pool => createPool({ url: process.env.DATABASE_URL!, max: 4, connectTimeoutMs: 5_000 });

/** A customer of its own for one test: nothing another test (or file) stores can match it. */
export async function newCustomer(pool: Pool): Promise<string> {
  const id = `it-${randomUUID().slice(0, 12)}`;
  await pool.query('INSERT INTO customers (id, name) VALUES ($1, $1)', [id]);
  return id;
}

/** Adds the customer's integration with an outbound notifier at `minSeverity`. */
export async function withNotifier(pool: Pool, customerId: string, minSeverity: number): Promise<string> {
  const id = randomUUID();
  await pool.query(
    `INSERT INTO integrations (id, tenant_id, integration_id, integration_name, notifier, has_notifier)
     VALUES ($1, $2, 'servicenow', 'ServiceNow', $3, true)`,
    [id, customerId, JSON.stringify({ baseURI: 'http://itsm.invalid', authType: 'NONE', minSeverity })],
  );
  return id;
}
