import { Injectable } from '@nestjs/common';

import type { ChannelDelivery } from '@sluice/database';
import { PrismaService } from '@sluice/database';

import type { Page, PageOf } from '../http/page-query.dto';
import { paged } from './paged';

/**
 * The deliveries of a customer's notification channel (spec §9). The worker writes them as it
 * delivers (a test's too); the gateway only reads them.
 */
@Injectable()
export class ChannelDeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Newest first (channel_deliveries_recent_idx). */
  recent(customerId: string, integrationId: string, page: Page): Promise<PageOf<ChannelDelivery>> {
    const where = { customerId, integrationId };
    return paged(
      this.prisma,
      page,
      (window) =>
        this.prisma.channelDelivery.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], ...window }),
      this.prisma.channelDelivery.count({ where }),
    );
  }
}
