import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ContractError, Errors } from '@sluice/common';
import { PrismaService } from '@sluice/database';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentUser, mayUseCustomer, Principal } from '../auth/principal';
import { ApiUserGuard } from '../auth/role.guards';
import { customerScope, scopeWhere } from './customer-scope';
import { AlertListQueryDto, TicketDto } from './query.dto';
import { prismaCode } from '../http/prisma-errors';
import { alertView, historyView } from './views';

const alertId = new ParseUUIDPipe({ exceptionFactory: () => new ContractError(404, { message: 'Alert not found' }) });

@ApiTags('read')
@ApiCookieAuth('access_token')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('api/v1/alerts')
export class AlertsController {
  constructor(private readonly prisma: PrismaService) {}

  @Get()
  @ApiOperation({ summary: 'Alerts, newest lastoccurrence first' })
  async list(@CurrentUser() user: Principal, @Query() q: AlertListQueryDto) {
    const where = {
      ...scopeWhere(customerScope(user, q.customerid)),
      ...(q.state && { state: q.state }),
      ...(q.entityid && { entityid: q.entityid }),
      ...(q.minseverity !== undefined && { severity: { gte: q.minseverity } }),
    };
    // One snapshot for the page and its count, so that they agree while workers write.
    const [rows, totalCount] = await this.prisma.$transaction([
      this.prisma.alert.findMany({
        where,
        orderBy: [{ lastoccurrence: 'desc' }, { id: 'asc' }],
        skip: (q.pageNum - 1) * q.itemsPerPage,
        take: q.itemsPerPage,
      }),
      this.prisma.alert.count({ where }),
    ], { isolationLevel: 'RepeatableRead' });
    return { results: rows.map(alertView), totalCount };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One alert with its history, oldest change first' })
  async get(@CurrentUser() user: Principal, @Param('id', alertId) id: string) {
    // Prisma reads an include with a second query: one snapshot keeps the alert's state and its
    // history in step while a worker changes both in one transaction.
    const [alert, history] = await this.prisma.$transaction([
      this.prisma.alert.findUnique({ where: { id } }),
      this.prisma.alertHistory.findMany({ where: { alertId: id }, orderBy: { id: 'asc' } }),
    ], { isolationLevel: 'RepeatableRead' });
    if (!alert) throw Errors.notFound('Alert not found');
    if (!mayUseCustomer(user, alert.envcustomerid)) throw Errors.accessDenied();
    return { ...alertView(alert), history: history.map(historyView) };
  }

  @Put(':id/ticket')
  @UseGuards(ApiUserGuard)
  @ApiOperation({ summary: 'Link an ITSM ticket to the alert by hand (API users of its customer)' })
  async linkTicket(@CurrentUser() user: Principal, @Param('id', alertId) id: string, @Body() dto: TicketDto) {
    const alert = await this.prisma.alert.findUnique({ where: { id }, select: { envcustomerid: true, state: true } });
    if (!alert) throw Errors.notFound('Alert not found');
    if (!mayUseCustomer(user, alert.envcustomerid)) throw Errors.accessDenied();
    // /gbpipush finds the alert by (customer, sysid): one ticket, one alert. The unique index
    // alerts_customer_ticket_idx decides between concurrent links; the loser is told which
    // alert holds the ticket.
    try {
      const updated = await this.prisma.alert.update({
        where: { id },
        data: {
          ticketSysid: dto.sysid,
          ticketNumber: dto.number ?? null,
          updatedAt: new Date(),
          history: {
            create: { kind: 'ticket', fromState: alert.state, toState: alert.state, actor: user.email, source: 'manual', note: `linked ticket ${dto.number ?? dto.sysid}` },
          },
        },
      });
      return alertView(updated);
    } catch (err) {
      if (prismaCode(err) !== 'P2002') throw err;
      const holder = await this.prisma.alert.findFirst({
        where: { envcustomerid: alert.envcustomerid, ticketSysid: dto.sysid, id: { not: id } },
        select: { id: true },
      });
      throw Errors.conflict(`Ticket ${dto.sysid} is already linked to ${holder ? `alert ${holder.id}` : 'another alert'}`);
    }
  }
}
