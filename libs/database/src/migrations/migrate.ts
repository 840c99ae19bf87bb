import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { Client } from 'pg';

import { transaction } from '../pg-pool';

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each once, recording them in
 * `_prisma_migrations` with the same columns and checksums as Prisma's own `migrate deploy`, so
 * either tool can take over a database the other migrated. It exists because Prisma's CLI needs a
 * schema-engine binary fetched from the network, and Sluice must install and migrate offline.
 * One transaction and one advisory lock per run: concurrent starts wait, and a failed migration
 * leaves nothing half-applied.
 */
export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

const LOCK_KEY = 72_707_369; // arbitrary, fixed: the same lock for every Sluice process

/** The repository's prisma/migrations, found upwards from here (from source or from dist/). */
export function defaultMigrationsDir(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`No prisma/migrations folder above ${from}`);
}

export async function migrate(databaseUrl: string, migrationsDir: string): Promise<MigrationResult> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await transaction(client, () => applyPending(client, migrationsDir));
  } finally {
    await client.end();
  }
}

/** In the caller's transaction, under the advisory lock: every migration not yet applied. */
async function applyPending(client: Client, migrationsDir: string): Promise<MigrationResult> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
  await client.query(`
      CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL,
        "checksum" VARCHAR(64) NOT NULL,
        "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL,
        "logs" TEXT,
        "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
        "applied_steps_count" INTEGER NOT NULL DEFAULT 0
      )`);
  const done = await client.query<{ migration_name: string; checksum: string }>(
    'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
  );
  const applied = new Map(done.rows.map((r) => [r.migration_name, r.checksum]));
  const names = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

  const result: MigrationResult = { applied: [], alreadyApplied: 0 };
  for (const name of names) {
    const sql = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    const previous = applied.get(name);
    if (previous !== undefined) {
      if (previous !== checksum) {
        throw new Error(
          `Migration ${name} was changed after it was applied (checksum differs); add a new migration instead`,
        );
      }
      result.alreadyApplied++;
      continue;
    }
    await client.query(sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, now(), $3, now(), 1)`,
      [randomUUID(), checksum, name],
    );
    result.applied.push(name);
  }
  return result;
}

/** Creates the database named in the URL if it does not exist (a fresh machine has none). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently by another process
      });
    }
  } finally {
    await client.end();
  }
}
