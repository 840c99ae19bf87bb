import { Injectable } from '@nestjs/common';
import { PrismaHealthIndicator } from '@nestjs/terminus';

import { PrismaService } from '@sluice/database';

/** Readiness of PostgreSQL: a ping through Prisma, bounded by `timeout` ms. */
@Injectable()
export class PostgresIndicator {
  constructor(
    private readonly indicator: PrismaHealthIndicator,
    private readonly prisma: PrismaService,
  ) {}

  ping(timeout: number) {
    return this.indicator.pingCheck('postgres', this.prisma, { timeout });
  }
}
