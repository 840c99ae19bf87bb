import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { Errors } from '@sluice/common';

import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, foundOrThrow, Principal, scopeOf } from '../auth/principal';
import { AlertRepository } from '../persistence/alert.repository';
import { ALERT_NOT_FOUND, alertIdPipe } from './alert-params';
import { customerScope } from './customer-scope';
import { AlertListQueryDto, TicketDto } from './query.dto';
import { alertView, alertWithHistoryView } from './views';

@ApiTags('read')
@Controller('api/v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertRepository) {}

  @Get()
  @Authenticated({ scope: 'read' })
  @ApiOperation({ summary: 'Alerts, newest lastoccurrence first' })
  async list(@CurrentUser() user: Principal, @Query() q: AlertListQueryDto) {
    const filter = { state: q.state, entityid: q.entityid, minseverity: q.minseverity };
    const { results, totalCount } = await this.alerts.list(customerScope(user, q.customerid), filter, q);
    return { results: results.map(alertView), totalCount };
  }

  @Get(':id')
  @Authenticated({ scope: 'read' })
  @ApiOperation({ summary: 'One alert with its history, oldest change first' })
  async get(@CurrentUser() user: Principal, @Param('id', alertIdPipe) id: string) {
    return alertWithHistoryView(foundOrThrow(await this.alerts.withHistory(scopeOf(user), id), ALERT_NOT_FOUND));
  }

  @Put(':id/ticket')
  @Authenticated({ role: 'apiUser' })
  @ApiOperation({ summary: 'Link an ITSM ticket to the alert by hand (API users of its customer)' })
  async linkTicket(@CurrentUser() user: Principal, @Param('id', alertIdPipe) id: string, @Body() dto: TicketDto) {
    const alert = foundOrThrow(await this.alerts.stateOf(scopeOf(user), id), ALERT_NOT_FOUND);
    const link = await this.alerts.linkTicket(
      alert.envcustomerid,
      id,
      { sysid: dto.sysid, number: dto.number ?? null },
      { state: alert.state, actor: user.email, note: `linked ticket ${dto.number ?? dto.sysid}` },
    );
    if ('linked' in link) return alertView(link.linked);
    const holder = link.heldBy ? `alert ${link.heldBy}` : 'another alert';
    throw Errors.conflict(`Ticket ${dto.sysid} is already linked to ${holder}`);
  }
}
