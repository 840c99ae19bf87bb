import { Module } from '@nestjs/common';

import { AdapterRepository } from './adapter.repository';
import { AlertRepository } from './alert.repository';
import { ApiKeyRepository } from './api-key.repository';
import { ChannelDeliveryRepository } from './channel-delivery.repository';
import { ChannelIntegrationRepository } from './channel-integration.repository';
import { CustomerRepository } from './customer.repository';
import { EventRepository } from './event.repository';
import { IntegrationRepository } from './integration.repository';
import { MetricRepository } from './metric.repository';
import { OrganizationRepository } from './organization.repository';
import { TokenRepository } from './token.repository';
import { TopologyRepository } from './topology.repository';
import { UserRepository } from './user.repository';

const REPOSITORIES = [
  AdapterRepository,
  AlertRepository,
  ApiKeyRepository,
  ChannelDeliveryRepository,
  ChannelIntegrationRepository,
  CustomerRepository,
  EventRepository,
  IntegrationRepository,
  MetricRepository,
  OrganizationRepository,
  TokenRepository,
  TopologyRepository,
  UserRepository,
];

/**
 * The gateway's persistence boundary: every Prisma call and SQL statement of the gateway is in
 * one of these repositories; controllers, guards and services use them, never PrismaService.
 */
@Module({ providers: REPOSITORIES, exports: REPOSITORIES })
export class PersistenceModule {}
