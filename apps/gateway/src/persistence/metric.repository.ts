import { Injectable } from '@nestjs/common';

import { PrismaService } from '@sluice/database';

import type { Page } from '../http/page-query.dto';
import { CustomerScope, scopeWhere } from './customer-scope';
import type { TimeBound } from './event.repository';
import { paged } from './paged';

export const AGGREGATES = ['avg', 'min', 'max', 'sum', 'count'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

// The aggregate is chosen from this fixed list, never taken from the request as SQL.
const AGGREGATE_SQL: Record<Aggregate, string> = {
  avg: 'avg(value)',
  min: 'min(value)',
  max: 'max(value)',
  sum: 'sum(value)',
  count: 'count(*)::float8',
};

export interface SeriesQuery {
  entityid: string;
  parameterid: string;
  agg: Aggregate;
  /** Bucket width in seconds. */
  step: number;
  from: Date;
  to: Date;
}

/** Metric samples as the read API shows them (the worker writes them). */
@Injectable()
export class MetricRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Oldest first; `ts` bounds the time. */
  list(scope: CustomerScope, filter: { entityid?: string; parameterid?: string; ts?: TimeBound }, page: Page) {
    const where = {
      ...scopeWhere(scope),
      ...(filter.entityid && { entityid: filter.entityid }),
      ...(filter.parameterid && { parameterid: filter.parameterid }),
      ...(filter.ts && { ts: filter.ts }),
    };
    return paged(
      this.prisma,
      page,
      (window) =>
        this.prisma.metricSample.findMany({
          where,
          orderBy: [{ ts: 'asc' }, { entityid: 'asc' }, { parameterid: 'asc' }, { tagsKey: 'asc' }],
          ...window,
        }),
      this.prisma.metricSample.count({ where }),
    );
  }

  /** One series of a customer, bucketed by `step` seconds and aggregated in SQL. */
  async series(customerId: string, q: SeriesQuery): Promise<{ t: Date; value: number }[]> {
    // date_bin puts each sample in its step-wide bucket counted from the Unix epoch; the
    // primary key (customer, entity, parameter, ts, ...) serves the WHERE as one index range.
    const points = await this.prisma.$queryRawUnsafe<{ t: Date; value: number }[]>(
      `SELECT date_bin(make_interval(secs => $4), ts, 'epoch'::timestamptz) AS t, ${AGGREGATE_SQL[q.agg]} AS value
         FROM metric_samples
        WHERE envcustomerid = $1 AND entityid = $2 AND parameterid = $3 AND ts >= $5::timestamptz AND ts < $6::timestamptz
        GROUP BY 1 ORDER BY 1`,
      customerId,
      q.entityid,
      q.parameterid,
      q.step,
      q.from.toISOString(),
      q.to.toISOString(),
    );
    return points.map((p) => ({ t: p.t, value: Number(p.value) }));
  }
}
