import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import { DEFAULTS, ensureDevSecrets } from '../../libs/config/src/defaults';
import { defaultMigrationsDir, ensureDatabase, migrate } from '../../libs/database/src/migrations/migrate';

/**
 * Creates this run's database (migrated) and picks its Redis key prefix. Jest's workers inherit
 * the environment set here. PostgreSQL and Redis are the ones of DATABASE_URL / REDIS_URL, by
 * default the local servers on their standard ports.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const base = new URL(process.env.DATABASE_URL ?? DEFAULTS.DATABASE_URL);
  const testUrl = new URL(base.toString());
  testUrl.pathname = `/sluice_test_${runId}`;

  await ensureDatabase(testUrl.toString());
  await migrate(testUrl.toString(), defaultMigrationsDir());

  process.env.SLUICE_TEST_RUN = runId;
  process.env.DATABASE_URL = testUrl.toString();
  process.env.REDIS_URL = process.env.REDIS_URL ?? DEFAULTS.REDIS_URL;
  process.env.REDIS_PREFIX = `sluice-test-${runId}`;
  process.env.NODE_ENV = 'test';
  // No Prometheus endpoint unless a test asks for one: apps started side by side would share a port.
  process.env.METRICS_PORT = '0';
  // JSON log lines, which tests read, even when Jest runs at a terminal.
  process.env.LOG_FORMAT = process.env.LOG_FORMAT ?? 'json';
  // Gateway and worker of a test share these, as the launcher makes them share one pair.
  ensureDevSecrets(process.env);
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';

  // Leftovers of runs that crashed before their teardown: drop test databases older than a day.
  const admin = new Client({ connectionString: base.toString().replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  try {
    const old = await admin
      .query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE 'sluice\\_test\\_%'
         AND (pg_stat_file('base/' || oid || '/PG_VERSION')).modification < now() - interval '1 day'`,
      )
      .catch(() => ({ rows: [] as { datname: string }[] }));
    for (const { datname } of old.rows)
      await admin.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
  } finally {
    await admin.end();
  }
}
