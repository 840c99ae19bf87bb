import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';

import { QueueProducer } from '../queue/queue-producer.service';
import { PostgresIndicator } from './postgres.indicator';

const READY_TIMEOUT_MS = 2000;

/** Liveness (the process answers) and readiness (PostgreSQL and Redis answer), for orchestrators. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly postgres: PostgresIndicator,
    private readonly producer: QueueProducer,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({ summary: 'PostgreSQL and Redis answer; 503 otherwise' })
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.postgres.ping(READY_TIMEOUT_MS),
      async () => {
        const redis = this.indicators.check('redis');
        // A Redis that accepts the connection but does not answer (overloaded, stopped) would
        // otherwise hold the probe until the client's socket gives up; bound it like postgres'.
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timeout of ${READY_TIMEOUT_MS} ms exceeded`)), READY_TIMEOUT_MS);
        });
        try {
          await Promise.race([this.producer.ping(), timeout]);
          return redis.up();
        } catch (err) {
          return redis.down({ message: (err as Error).message });
        } finally {
          clearTimeout(timer);
        }
      },
    ]);
  }
}
