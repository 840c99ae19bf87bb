export * from './bulk-insert';
export * from './connection-errors';
export * from './database.module';
export type {
  Alert,
  AlertHistory,
  ApiKey,
  ChannelDelivery,
  ChannelIntegration,
  Customer,
  Integration,
  Organization,
  User,
} from './generated/prisma/client';
export { Prisma } from './generated/prisma/client';
export * from './migrations/migrate';
export * from './outage-log';
export * from './pg-pool';
export * from './prisma.service';
export * from './rows';
export * from './start-failure';
