import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Pool } from 'pg';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';

import { isConnectionError, ServiceUnreachableError } from './connection-errors';
import { createPool, DatabaseReachability, PG_POOL } from './pg-pool';
import { PrismaService } from './prisma.service';

export interface DatabaseModuleOptions {
  /**
   * Start even when PostgreSQL is unreachable (the outage is logged, and work waits for it):
   * the worker's choice. Without it a process that cannot reach its database refuses to start,
   * with one line saying where and why (the gateway's: it has nothing to serve yet).
   */
  startWhenUnreachable?: boolean;
}

function poolProvider(options: DatabaseModuleOptions): Provider {
  return {
    provide: PG_POOL,
    inject: [SLUICE_CONFIG],
    // Connecting here, before any lifecycle hook runs, stops a process whose database is wrong
    // (missing, refusing its credentials) before it starts taking work.
    useFactory: async (config: SluiceConfig) => {
      const pool = createPool({
        url: config.databaseUrl,
        max: config.databasePoolSize,
        connectTimeoutMs: config.databaseConnectTimeoutMs,
      });
      try {
        await pool.query('SELECT 1');
      } catch (err) {
        if (options.startWhenUnreachable && isConnectionError(err)) return pool;
        await pool.end();
        throw isConnectionError(err) ? new ServiceUnreachableError('PostgreSQL', config.databaseUrl, err) : err;
      }
      return pool;
    },
  };
}

const reachability: Provider = {
  provide: DatabaseReachability,
  inject: [PG_POOL],
  useFactory: (pool: Pool) => new DatabaseReachability(pool),
};

/**
 * The process's pool, Prisma over it, and the reachability probe. Imported as is, it refuses to
 * start without PostgreSQL; `forRoot({ startWhenUnreachable: true })` replaces the pool's
 * provider with the one that starts anyway.
 */
@Global()
@Module({
  providers: [poolProvider({}), PrismaService, reachability],
  exports: [PG_POOL, PrismaService, DatabaseReachability],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly prisma: PrismaService,
  ) {}

  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return { module: DatabaseModule, providers: [poolProvider(options)] };
  }

  // Closed in the last lifecycle hook, after Nest has stopped the HTTP server (a gateway's
  // requests in flight still query the database until they are answered) and after the worker
  // has closed its queue workers (see apps/worker/src/connections.check.ts).
  async onApplicationShutdown(): Promise<void> {
    await this.prisma.$disconnect();
    await this.pool.end();
  }
}
