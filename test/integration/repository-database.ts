import { randomBytes } from 'node:crypto';

import { createPool, PrismaService } from '@sluice/database';

/**
 * PrismaService over a pool of the run's database, as the gateway builds it, for repository
 * specs: real PostgreSQL, without HTTP or Redis. Rows are made under unique customer ids, so
 * that specs running at the same time never see each other's.
 */
export function repositoryDatabase(): { prisma: PrismaService; close: () => Promise<void> } {
  const pool = createPool({ url: process.env.DATABASE_URL!, max: 4, connectTimeoutMs: 5000 });
  const prisma = new PrismaService(pool);
  return {
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

export const uniqueCustomer = (label: string) => `${label}-${randomBytes(5).toString('hex')}`;
