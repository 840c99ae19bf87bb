import { Injectable } from '@nestjs/common';

import type { ChannelDelivery } from '@sluice/database';
import { PrismaService } from '@sluice/database';

import type { Page, PageOf } from '../http/page-query.dto';
import { paged } from './paged';

export type NewChannelDelivery = Pick<ChannelDelivery, 'change' | 'status' | 'idempotencyKey'> &
  Partial<Pick<ChannelDelivery, 'alertId' | 'attempt' | 'responseCode' | 'error'>>;

/**
 * The deliveries of a customer's notification channel (spec §9). The worker writes them as it
 * delivers; the gateway reads them (`add` is for tests and for deliveries the gateway makes itself).
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

  add(customerId: string, integrationId: string, delivery: NewChannelDelivery): Promise<ChannelDelivery> {
    return this.prisma.channelDelivery.create({ data: { ...delivery, customerId, integrationId } });
  }
}
