import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { Errors } from '@sluice/common';

import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, foundOrThrow, Principal, scopeOf } from '../auth/principal';
import { AlertRepository } from '../persistence/alert.repository';
import { customerScope } from './customer-scope';
import { AlertListQueryDto, TicketDto } from './query.dto';
import { alertView, historyView } from './views';

const NOT_FOUND = 'Alert not found';
const alertId = new ParseUUIDPipe({ exceptionFactory: () => Errors.notFound(NOT_FOUND) });

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
  async get(@CurrentUser() user: Principal, @Param('id', alertId) id: string) {
    const { alert, history } = foundOrThrow(await this.alerts.withHistory(scopeOf(user), id), NOT_FOUND);
    return { ...alertView(alert), history: history.map(historyView) };
  }

  @Put(':id/ticket')
  @Authenticated({ role: 'apiUser' })
  @ApiOperation({ summary: 'Link an ITSM ticket to the alert by hand (API users of its customer)' })
  async linkTicket(@CurrentUser() user: Principal, @Param('id', alertId) id: string, @Body() dto: TicketDto) {
    const alert = foundOrThrow(await this.alerts.stateOf(scopeOf(user), id), NOT_FOUND);
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
