import { defineConfig } from 'prisma/config';

import { DEFAULTS } from './libs/config/src/defaults';

// Used by the Prisma CLI only (generate, and `migrate deploy` where the network allows it).
// Sluice itself applies prisma/migrations with its own step: see libs/database/src/migrations.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? DEFAULTS.DATABASE_URL },
});
