import { defaultMigrationsDir, ensureDatabase, migrate } from './migrate';

/** `npm run db:migrate`: create the database if needed and apply pending migrations. */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/sluice';
  await ensureDatabase(url);
  const result = await migrate(url, process.env.MIGRATIONS_DIR ?? defaultMigrationsDir());
  console.log(
    JSON.stringify({ msg: 'migrations applied', applied: result.applied, alreadyApplied: result.alreadyApplied }),
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
