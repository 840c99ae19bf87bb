import { Inject, Injectable } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';

import { PrismaClient } from './generated/prisma/client';
import { PG_POOL } from './pg-pool';

/**
 * Prisma 7 client over node-postgres (`@prisma/adapter-pg`): no native query engine to download.
 * It shares the process's pool with the bulk writers, which use SQL directly. DatabaseModule
 * disconnects it, then ends the pool, at shutdown.
 */
@Injectable()
export class PrismaService extends PrismaClient {
  constructor(@Inject(PG_POOL) pool: Pool) {
    super({ adapter: new PrismaPg(pool) });
  }
}
