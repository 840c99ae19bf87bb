import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PrismaService } from '@sluice/database';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentUser, Principal } from '../auth/principal';
import { customerScope, scopeWhere } from './customer-scope';
import { CustomerPageQueryDto } from './query.dto';

@ApiTags('read')
@ApiCookieAuth('access_token')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('api/v1/adapters')
export class AdaptersController {
  constructor(private readonly prisma: PrismaService) {}

  @Get()
  @ApiOperation({ summary: 'Connectors/adapters with their last status: UP, DOWN, DEGRADED or STALE (silent for 2 × interval)' })
  async list(@CurrentUser() user: Principal, @Query() q: CustomerPageQueryDto) {
    const where = scopeWhere(customerScope(user, q.customerid));
    // One snapshot for the page and its count, so that they agree while workers write.
    const [rows, totalCount] = await this.prisma.$transaction([
      this.prisma.adapter.findMany({
        where,
        orderBy: [{ envcustomerid: 'asc' }, { adapterid: 'asc' }],
        skip: (q.pageNum - 1) * q.itemsPerPage,
        take: q.itemsPerPage,
      }),
      this.prisma.adapter.count({ where }),
    ], { isolationLevel: 'RepeatableRead' });
    const now = Date.now();
    return {
      results: rows.map((a) => ({
        envcustomerid: a.envcustomerid,
        adapterid: a.adapterid,
        adaptername: a.name,
        adaptertype: a.type,
        // The scheduled check marks silent adapters STALE; reads say so at once.
        status: a.status === 'STALE' || now - a.lastseen.getTime() > 2 * a.interval * 1000 ? 'STALE' : a.status,
        lastseen: a.lastseen,
        interval: a.interval,
        message: a.message,
        stats: a.stats,
      })),
      totalCount,
    };
  }
}
