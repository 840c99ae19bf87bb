import { DEFAULTS } from '@sluice/config';
import { isConnectionError, unreachableMessage } from '../connection-errors';
import { defaultMigrationsDir, ensureDatabase, migrate } from './migrate';

const url = process.env.DATABASE_URL ?? DEFAULTS.DATABASE_URL;
const log = (level: number, msg: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ level, time: Date.now(), name: 'migrate', msg, ...extra }));

/** `npm run db:migrate`: create the database if needed and apply pending migrations. */
async function main(): Promise<void> {
  await ensureDatabase(url);
  const result = await migrate(url, process.env.MIGRATIONS_DIR ?? defaultMigrationsDir());
  log(30, 'migrations applied', { applied: result.applied, alreadyApplied: result.alreadyApplied });
}

// One line, no stack: an unreachable server says where and what to start; anything else, why.
main().catch((err) => {
  log(60, isConnectionError(err) ? unreachableMessage('PostgreSQL', url, err) : `migration failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
