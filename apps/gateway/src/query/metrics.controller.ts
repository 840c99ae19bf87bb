import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { Errors } from '@sluice/common';
import { EARLIEST_TIMESTAMP } from '@sluice/contracts';

import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, Principal } from '../auth/principal';
import { MetricRepository } from '../persistence/metric.repository';
import { customerScope, oneCustomer } from './customer-scope';
import { MetricListQueryDto, SeriesQueryDto } from './query.dto';
import { queryTime, timeBound } from './time-range';

const MAX_BUCKETS = 10_000;

@ApiTags('read')
@Authenticated({ scope: 'read' })
@Controller('api/v1/metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricRepository) {}

  @Get()
  @ApiOperation({ summary: 'Metric samples, oldest first' })
  async list(@CurrentUser() user: Principal, @Query() q: MetricListQueryDto) {
    const scope = customerScope(user, q.customerid);
    const filter = { entityid: q.entityid, parameterid: q.parameterid, ts: timeBound(q.from, q.to) };
    const { results, totalCount } = await this.metrics.list(scope, filter, q);
    return {
      results: results.map((s) => ({
        envcustomerid: s.envcustomerid,
        entityid: s.entityid,
        entity: s.entity,
        parametercategory: s.parametercategory,
        parametername: s.parametername,
        parameterid: s.parameterid,
        value: s.value,
        unit: s.unit,
        timestamp: s.ts,
        tags: s.tags,
      })),
      totalCount,
    };
  }

  @Get('series')
  @ApiOperation({ summary: 'One series bucketed by `step` seconds and aggregated in SQL: {"points": [{t, value}]}' })
  async series(@CurrentUser() user: Principal, @Query() q: SeriesQueryDto) {
    const customerId = oneCustomer(user, q.customerid);
    const to = q.to ? queryTime(q.to, 'to') : new Date();
    // The default window never starts before the earliest instant PostgreSQL is handed.
    const from = q.from ? queryTime(q.from, 'from') : new Date(Math.max(to.getTime() - 86_400_000, EARLIEST_TIMESTAMP));
    if (from > to) throw Errors.invalidPayload([{ field: 'from', error: 'from must not be after to' }]);
    if ((to.getTime() - from.getTime()) / 1000 / q.step > MAX_BUCKETS) {
      throw Errors.invalidPayload([
        {
          field: 'step',
          error: `from..to / step gives more than ${MAX_BUCKETS} buckets: widen step or narrow the range`,
        },
      ]);
    }
    const series = { entityid: q.entityid, parameterid: q.parameterid, agg: q.agg, step: q.step, from, to };
    return { points: await this.metrics.series(customerId, series) };
  }
}
