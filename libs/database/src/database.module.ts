import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { Pool } from 'pg';
import { PG_POOL } from './pg-pool';
import { PrismaService } from './prisma.service';

@Global()
@Module({
  providers: [
    {
      provide: PG_POOL,
      inject: [SLUICE_CONFIG],
      // Connecting here, before any lifecycle hook runs, stops a process that cannot reach its
      // database before it starts taking work (queue workers, HTTP).
      useFactory: async (config: SluiceConfig) => {
        const pool = new Pool({ connectionString: config.databaseUrl, max: config.databasePoolSize });
        try {
          await pool.query('SELECT 1');
        } catch (err) {
          await pool.end();
          throw err;
        }
        return pool;
      },
    },
    PrismaService,
  ],
  exports: [PG_POOL, PrismaService],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
