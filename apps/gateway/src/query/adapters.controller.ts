import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, Principal } from '../auth/principal';
import { AdapterRepository } from '../persistence/adapter.repository';
import { customerScope } from './customer-scope';
import { CustomerPageQueryDto } from './query.dto';

@ApiTags('read')
@Authenticated({ scope: 'read' })
@Controller('api/v1/adapters')
export class AdaptersController {
  constructor(private readonly adapters: AdapterRepository) {}

  @Get()
  @ApiOperation({
    summary: 'Connectors/adapters with their last status: UP, DOWN, DEGRADED or STALE (silent for 2 × interval)',
  })
  async list(@CurrentUser() user: Principal, @Query() q: CustomerPageQueryDto) {
    const { results, totalCount } = await this.adapters.list(customerScope(user, q.customerid), q);
    const now = Date.now();
    return {
      results: results.map((a) => ({
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
