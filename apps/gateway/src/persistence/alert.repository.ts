import { Injectable } from '@nestjs/common';

import type { Alert, AlertHistory } from '@sluice/database';
import { PrismaService } from '@sluice/database';

import type { Page, PageOf } from '../http/page-query.dto';
import { prismaCode } from '../http/prisma-errors';
import { CustomerScope, Scoped, scoped, scopeWhere } from './customer-scope';
import { paged } from './paged';

export interface AlertFilter {
  state?: Alert['state'];
  entityid?: string;
  minseverity?: number;
}

/** How a manual ticket link ended: the updated alert, or the id of the alert holding the ticket. */
export type TicketLink = { linked: Alert } | { heldBy: string | undefined };

/** Alerts and their history as the read API and the ITSM callback see them (the worker writes them). */
@Injectable()
export class AlertRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Newest lastoccurrence first. */
  list(scope: CustomerScope, filter: AlertFilter, page: Page): Promise<PageOf<Alert>> {
    const where = {
      ...scopeWhere(scope),
      ...(filter.state && { state: filter.state }),
      ...(filter.entityid && { entityid: filter.entityid }),
      ...(filter.minseverity !== undefined && { severity: { gte: filter.minseverity } }),
    };
    return paged(
      this.prisma,
      page,
      (window) =>
        this.prisma.alert.findMany({ where, orderBy: [{ lastoccurrence: 'desc' }, { id: 'asc' }], ...window }),
      this.prisma.alert.count({ where }),
    );
  }

  /** One alert with its history, oldest change first. */
  async withHistory(scope: CustomerScope, id: string): Promise<Scoped<{ alert: Alert; history: AlertHistory[] }>> {
    // Prisma reads an include with a second query: one snapshot keeps the alert's state and its
    // history in step while a worker changes both in one transaction.
    const [alert, history] = await this.prisma.$transaction(
      [
        this.prisma.alert.findUnique({ where: { id } }),
        this.prisma.alertHistory.findMany({ where: { alertId: id }, orderBy: { id: 'asc' } }),
      ],
      { isolationLevel: 'RepeatableRead' },
    );
    const found = scoped(alert, scope);
    return typeof found === 'string' ? found : { found: { alert: found.found, history } };
  }

  /** An alert's customer and state, within the caller's scope (a ticket link, a user's action). */
  async stateOf(scope: CustomerScope, id: string): Promise<Scoped<Pick<Alert, 'envcustomerid' | 'state'>>> {
    const alert = await this.prisma.alert.findUnique({ where: { id }, select: { envcustomerid: true, state: true } });
    return scoped(alert, scope);
  }

  /**
   * Links a ticket by hand, with its history line. /gbpipush finds the alert by (customer,
   * sysid): one ticket, one alert. The unique index alerts_customer_ticket_idx decides between
   * concurrent links; the loser learns which alert holds the ticket.
   */
  async linkTicket(
    customerId: string,
    id: string,
    ticket: { sysid: string; number: string | null },
    history: { state: Alert['state']; actor: string; note: string },
  ): Promise<TicketLink> {
    try {
      const linked = await this.prisma.alert.update({
        where: { id, envcustomerid: customerId },
        data: {
          ticketSysid: ticket.sysid,
          ticketNumber: ticket.number,
          updatedAt: new Date(),
          history: {
            create: {
              kind: 'ticket',
              fromState: history.state,
              toState: history.state,
              actor: history.actor,
              source: 'manual',
              note: history.note,
            },
          },
        },
      });
      return { linked };
    } catch (err) {
      if (prismaCode(err) !== 'P2002') throw err;
      const holder = await this.prisma.alert.findFirst({
        where: { envcustomerid: customerId, ticketSysid: ticket.sysid, id: { not: id } },
        select: { id: true },
      });
      return { heldBy: holder?.id };
    }
  }

  /** The alert of a customer that a ticket is linked to. */
  async idByTicket(customerId: string, sysid: string): Promise<string | undefined> {
    const alert = await this.prisma.alert.findFirst({
      where: { envcustomerid: customerId, ticketSysid: sysid },
      select: { id: true },
    });
    return alert?.id;
  }
}
