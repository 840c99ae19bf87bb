import { Injectable } from '@nestjs/common';

import type { Customer } from '@sluice/database';
import { PrismaService } from '@sluice/database';

import type { Page, PageOf } from '../http/page-query.dto';
import { paged } from './paged';

/** Customers (tenants): the admin API's and the access checks' reads and writes. */
@Injectable()
export class CustomerRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { id: string; name: string; active: boolean; organizationId?: string }): Promise<Customer> {
    return this.prisma.customer.create({ data });
  }

  update(id: string, data: { name?: string; active?: boolean }): Promise<Customer> {
    return this.prisma.customer.update({ where: { id }, data });
  }

  list(page: Page): Promise<PageOf<Customer>> {
    return paged(
      this.prisma,
      page,
      (window) => this.prisma.customer.findMany({ orderBy: { id: 'asc' }, ...window }),
      this.prisma.customer.count(),
    );
  }

  async exists(id: string): Promise<boolean> {
    return (await this.prisma.customer.findUnique({ where: { id }, select: { id: true } })) !== null;
  }

  /** Which of the ids name a customer. */
  async existing(ids: string[]): Promise<Set<string>> {
    const found = await this.prisma.customer.findMany({ where: { id: { in: ids } }, select: { id: true } });
    return new Set(found.map((c) => c.id));
  }

  /** The customers a user may see: those of `ids`, or the first `limit` of all (a superadmin). */
  visible(ids: 'all' | readonly string[], limit: number): Promise<Pick<Customer, 'id' | 'name' | 'active'>[]> {
    return this.prisma.customer.findMany({
      where: ids === 'all' ? undefined : { id: { in: [...ids] } },
      select: { id: true, name: true, active: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  /** Whether each customer that exists is active, in one query. */
  statuses(ids: string[]): Promise<{ id: string; active: boolean }[]> {
    return this.prisma.customer.findMany({ where: { id: { in: ids } }, select: { id: true, active: true } });
  }
}
