import { Injectable } from '@nestjs/common';

import { PrismaService } from '@sluice/database';

import type { Page } from '../http/page-query.dto';
import { CustomerScope, scopeWhere } from './customer-scope';
import { paged } from './paged';

/** Connectors/adapters and their last reported status (the worker writes them). */
@Injectable()
export class AdapterRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(scope: CustomerScope, page: Page) {
    const where = scopeWhere(scope);
    return paged(
      this.prisma,
      page,
      (window) =>
        this.prisma.adapter.findMany({ where, orderBy: [{ envcustomerid: 'asc' }, { adapterid: 'asc' }], ...window }),
      this.prisma.adapter.count({ where }),
    );
  }
}
