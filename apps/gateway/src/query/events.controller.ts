import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, Principal } from '../auth/principal';
import { EventRepository } from '../persistence/event.repository';
import { customerScope } from './customer-scope';
import { TimeRangeQueryDto } from './query.dto';
import { timeBound } from './time-range';

@ApiTags('read')
@Authenticated({ scope: 'read' })
@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly events: EventRepository) {}

  @Get()
  @ApiOperation({ summary: 'Stored events, newest lastoccurrence first; from/to filter lastoccurrence' })
  async list(@CurrentUser() user: Principal, @Query() q: TimeRangeQueryDto) {
    const scope = customerScope(user, q.customerid);
    const filter = { entityid: q.entityid, lastoccurrence: timeBound(q.from, q.to) };
    const { results, totalCount } = await this.events.list(scope, filter, q);
    return {
      // Unknown fields of the record are shown too, but never in place of a stored column.
      results: results.map(({ extra, ...event }) => ({ ...((extra as object | null) ?? {}), ...event })),
      totalCount,
    };
  }
}
