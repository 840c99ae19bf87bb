import { Injectable } from '@nestjs/common';

import { PrismaService } from '@sluice/database';

import type { Page } from '../http/page-query.dto';
import { CustomerScope, scopeWhere } from './customer-scope';
import { paged } from './paged';

/** A `column >= gte AND column < lt` bound; either end optional. */
export interface TimeBound {
  gte?: Date;
  lt?: Date;
}

/** Stored events as the read API shows them (the worker writes them). */
@Injectable()
export class EventRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Newest lastoccurrence first; `lastoccurrence` bounds the time. */
  list(scope: CustomerScope, filter: { entityid?: string; lastoccurrence?: TimeBound }, page: Page) {
    const where = {
      ...scopeWhere(scope),
      ...(filter.entityid && { entityid: filter.entityid }),
      ...(filter.lastoccurrence && { lastoccurrence: filter.lastoccurrence }),
    };
    return paged(
      this.prisma,
      page,
      (window) =>
        this.prisma.event.findMany({
          where,
          orderBy: [{ lastoccurrence: 'desc' }, { id: 'desc' }],
          ...window,
          omit: { id: true, storedAt: true },
        }),
      this.prisma.event.count({ where }),
    );
  }
}
