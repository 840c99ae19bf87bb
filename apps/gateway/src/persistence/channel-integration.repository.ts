import { Injectable } from '@nestjs/common';

import type { ChannelIntegration, ChannelType } from '@sluice/database';
import { Prisma, PrismaService } from '@sluice/database';

import type { Page, PageOf } from '../http/page-query.dto';
import { paged } from './paged';

/** What a write sets: the type's fields (settings in clear, secrets sealed) and the common ones. */
export type ChannelColumns = Pick<
  Prisma.ChannelIntegrationUncheckedCreateInput,
  'settings' | 'secrets' | 'region' | 'minSeverity' | 'enabled'
>;

/** Notification channels of a customer (spec §9), one per type; every method is the customer's. */
@Injectable()
export class ChannelIntegrationRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** In the order they were added (the seed's list keeps that order). */
  list(customerId: string, page: Page): Promise<PageOf<ChannelIntegration>> {
    const where = { customerId };
    return paged(
      this.prisma,
      page,
      (window) =>
        this.prisma.channelIntegration.findMany({ where, orderBy: [{ createdAt: 'asc' }, { type: 'asc' }], ...window }),
      this.prisma.channelIntegration.count({ where }),
    );
  }

  find(customerId: string, type: ChannelType): Promise<ChannelIntegration | null> {
    return this.prisma.channelIntegration.findUnique({ where: { customerId_type: { customerId, type } } });
  }

  /** Prisma's P2002 if the customer has one of this type already. */
  create(customerId: string, type: ChannelType, data: ChannelColumns): Promise<ChannelIntegration> {
    return this.prisma.channelIntegration.create({ data: { ...data, customerId, type } });
  }

  /**
   * Create-or-change under a lock on the row: `change` gets the stored integration (null if there
   * is none) and returns what to write, so that concurrent partial updates each build on the
   * other's result. Two concurrent first writes: one of them gets Prisma's P2002.
   */
  upsert(
    customerId: string,
    type: ChannelType,
    change: (current: ChannelIntegration | null) => ChannelColumns,
  ): Promise<ChannelIntegration> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`
        SELECT 1 FROM channel_integrations WHERE customer_id = ${customerId} AND type = ${type}::"ChannelType" FOR UPDATE`;
      const current = await tx.channelIntegration.findUnique({ where: { customerId_type: { customerId, type } } });
      const data = change(current);
      return current
        ? tx.channelIntegration.update({ where: { id: current.id }, data: { ...data, updatedAt: new Date() } })
        : tx.channelIntegration.create({ data: { ...data, customerId, type } });
    });
  }

  /** Prisma's P2025 if the customer has none of this type. */
  async delete(customerId: string, type: ChannelType): Promise<void> {
    await this.prisma.channelIntegration.delete({ where: { customerId_type: { customerId, type } } });
  }
}
