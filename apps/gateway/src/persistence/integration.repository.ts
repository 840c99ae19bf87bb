import { Injectable } from '@nestjs/common';

import type { Integration } from '@sluice/database';
import { Prisma, PrismaService } from '@sluice/database';

import type { Page, PageOf } from '../http/page-query.dto';
import { paged } from './paged';

export type IntegrationColumns = Partial<Prisma.IntegrationUncheckedCreateInput>;
type NewIntegration = IntegrationColumns & Pick<Integration, 'id' | 'integrationId' | 'integrationName'>;

/** Installed integrations of a tenant (spec §4); every method is the tenant's. */
@Injectable()
export class IntegrationRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(tenantId: string, data: NewIntegration): Promise<Integration> {
    return this.prisma.integration.create({ data: { ...data, tenantId } });
  }

  list(tenantId: string, page: Page): Promise<PageOf<Integration>> {
    const where = { tenantId };
    return paged(
      this.prisma,
      page,
      (window) => this.prisma.integration.findMany({ where, orderBy: { createdAt: 'asc' }, ...window }),
      this.prisma.integration.count({ where }),
    );
  }

  find(tenantId: string, id: string): Promise<Integration | null> {
    return this.prisma.integration.findFirst({ where: { id, tenantId } });
  }

  /** Prisma's P2025 if the tenant has no such integration (deleted meanwhile). */
  update(tenantId: string, id: string, data: IntegrationColumns): Promise<Integration> {
    return this.prisma.integration.update({ where: { id, tenantId }, data: { ...data, updatedAt: new Date() } });
  }

  /** Prisma's P2025 if the tenant has no such integration (deleted meanwhile). */
  async delete(tenantId: string, id: string): Promise<void> {
    await this.prisma.integration.delete({ where: { id, tenantId } });
  }

  /** The integration an inbound token belongs to (any tenant: the token names it). */
  byInboundToken(tokenHash: string): Promise<Pick<Integration, 'id' | 'tenantId' | 'inboundAuthType'> | null> {
    return this.prisma.integration.findUnique({
      where: { inboundTokenHash: tokenHash },
      select: { id: true, tenantId: true, inboundAuthType: true },
    });
  }
}
