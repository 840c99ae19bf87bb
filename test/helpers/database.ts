import { Client } from 'pg';

import { defaultMigrationsDir, ensureDatabase, migrate } from '@sluice/database';

/**
 * A migrated database of a test file's own, beside the run's shared one: for tests of jobs that
 * act on every row of the database (retention, the stale-adapter check), which must not touch
 * what files running at the same time have stored.
 */
export async function ownDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = new URL(process.env.DATABASE_URL!);
  const name = `${url.pathname.slice(1)}_${label}`;
  url.pathname = `/${name}`;
  await ensureDatabase(url.toString());
  await migrate(url.toString(), defaultMigrationsDir());
  return {
    url: url.toString(),
    drop: async () => {
      const admin = new URL(url.toString());
      admin.pathname = '/postgres';
      const client = new Client({ connectionString: admin.toString() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
