import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PrismaService } from '@sluice/database';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentUser, Principal } from '../auth/principal';
import { customerScope, scopeWhere } from './customer-scope';
import { TimeRangeQueryDto } from './query.dto';
import { timeRange } from './time-range';

@ApiTags('read')
@ApiCookieAuth('access_token')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly prisma: PrismaService) {}

  @Get()
  @ApiOperation({ summary: 'Stored events, newest lastoccurrence first; from/to filter lastoccurrence' })
  async list(@CurrentUser() user: Principal, @Query() q: TimeRangeQueryDto) {
    const where = {
      ...scopeWhere(customerScope(user, q.customerid)),
      ...(q.entityid && { entityid: q.entityid }),
      ...timeRange('lastoccurrence', q.from, q.to),
    };
    // One snapshot for the page and its count, so that they agree while workers write.
    const [rows, totalCount] = await this.prisma.$transaction([
      this.prisma.event.findMany({
        where,
        orderBy: [{ lastoccurrence: 'desc' }, { id: 'desc' }],
        skip: (q.pageNum - 1) * q.itemsPerPage,
        take: q.itemsPerPage,
        omit: { id: true, storedAt: true },
      }),
      this.prisma.event.count({ where }),
    ], { isolationLevel: 'RepeatableRead' });
    return {
      // Unknown fields of the record are shown too, but never in place of a stored column.
      results: rows.map(({ extra, ...event }) => ({ ...((extra as object | null) ?? {}), ...event })),
      totalCount,
    };
  }
}
