import { Injectable } from '@nestjs/common';

import { PrismaService } from '@sluice/database';

import type { Page } from '../http/page-query.dto';
import { paged } from './paged';

/** Organizations, which group customers (admin API). */
@Injectable()
export class OrganizationRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(name: string) {
    return this.prisma.organization.create({ data: { name } });
  }

  list(page: Page) {
    return paged(
      this.prisma,
      page,
      (window) => this.prisma.organization.findMany({ orderBy: { createdAt: 'asc' }, ...window }),
      this.prisma.organization.count(),
    );
  }
}
