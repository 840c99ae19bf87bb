import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Errors } from '@sluice/common';
import { EARLIEST_TIMESTAMP } from '@sluice/contracts';
import { PrismaService } from '@sluice/database';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentUser, Principal } from '../auth/principal';
import { customerScope, scopeWhere } from './customer-scope';
import { Aggregate, MetricListQueryDto, SeriesQueryDto } from './query.dto';
import { queryTime, timeRange } from './time-range';

// The aggregate is chosen from this fixed list, never taken from the request as SQL.
const AGGREGATE_SQL: Record<Aggregate, string> = {
  avg: 'avg(value)',
  min: 'min(value)',
  max: 'max(value)',
  sum: 'sum(value)',
  count: 'count(*)::float8',
};
const MAX_BUCKETS = 10_000;

@ApiTags('read')
@ApiCookieAuth('access_token')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('api/v1/metrics')
export class MetricsController {
  constructor(private readonly prisma: PrismaService) {}

  @Get()
  @ApiOperation({ summary: 'Metric samples, oldest first' })
  async list(@CurrentUser() user: Principal, @Query() q: MetricListQueryDto) {
    const where = {
      ...scopeWhere(customerScope(user, q.customerid)),
      ...(q.entityid && { entityid: q.entityid }),
      ...(q.parameterid && { parameterid: q.parameterid }),
      ...timeRange('ts', q.from, q.to),
    };
    // One snapshot for the page and its count, so that they agree while workers write.
    const [rows, totalCount] = await this.prisma.$transaction([
      this.prisma.metricSample.findMany({
        where,
        orderBy: [{ ts: 'asc' }, { entityid: 'asc' }, { parameterid: 'asc' }, { tagsKey: 'asc' }],
        skip: (q.pageNum - 1) * q.itemsPerPage,
        take: q.itemsPerPage,
      }),
      this.prisma.metricSample.count({ where }),
    ], { isolationLevel: 'RepeatableRead' });
    return {
      results: rows.map((s) => ({
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
    customerScope(user, q.customerid);
    const to = q.to ? queryTime(q.to, 'to') : new Date();
    // The default window never starts before the earliest instant PostgreSQL is handed.
    const from = q.from ? queryTime(q.from, 'from') : new Date(Math.max(to.getTime() - 86_400_000, EARLIEST_TIMESTAMP));
    if (from > to) throw Errors.invalidPayload([{ field: 'from', error: 'from must not be after to' }]);
    if ((to.getTime() - from.getTime()) / 1000 / q.step > MAX_BUCKETS) {
      throw Errors.invalidPayload([{ field: 'step', error: `from..to / step gives more than ${MAX_BUCKETS} buckets: widen step or narrow the range` }]);
    }
    // date_bin puts each sample in its step-wide bucket counted from the Unix epoch; the
    // primary key (customer, entity, parameter, ts, ...) serves the WHERE as one index range.
    const points = await this.prisma.$queryRawUnsafe<{ t: Date; value: number }[]>(
      `SELECT date_bin(make_interval(secs => $4), ts, 'epoch'::timestamptz) AS t, ${AGGREGATE_SQL[q.agg]} AS value
         FROM metric_samples
        WHERE envcustomerid = $1 AND entityid = $2 AND parameterid = $3 AND ts >= $5::timestamptz AND ts < $6::timestamptz
        GROUP BY 1 ORDER BY 1`,
      q.customerid,
      q.entityid,
      q.parameterid,
      q.step,
      from.toISOString(),
      to.toISOString(),
    );
    return { points: points.map((p) => ({ t: p.t, value: Number(p.value) })) };
  }
}
