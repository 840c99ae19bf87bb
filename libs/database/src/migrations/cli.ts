import 'reflect-metadata'; // an entry point: @sluice/config's environment class is decorated

import pino from 'pino';

import { DEFAULTS } from '@sluice/config';

import { isConnectionError, unreachableMessage } from '../connection-errors';
import { defaultMigrationsDir, ensureDatabase, migrate } from './migrate';

const url = process.env.DATABASE_URL ?? DEFAULTS.DATABASE_URL;
const log = pino({ name: 'migrate' });

/** `npm run db:migrate`: create the database if needed and apply pending migrations. */
async function main(): Promise<void> {
  await ensureDatabase(url);
  const result = await migrate(url, process.env.MIGRATIONS_DIR ?? defaultMigrationsDir());
  log.info({ applied: result.applied, alreadyApplied: result.alreadyApplied }, 'migrations applied');
}

// One line, no stack: an unreachable server says where and what to start; anything else, why.
main().catch((err) => {
  const reason = err instanceof Error ? err.message : String(err);
  log.fatal(isConnectionError(err) ? unreachableMessage('PostgreSQL', url, err) : `migration failed: ${reason}`);
  process.exit(1);
});
