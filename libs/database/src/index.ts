export * from './prisma.service';
export * from './database.module';
export * from './pg-pool';
export * from './connection-errors';
export * from './outage-log';
export * from './start-failure';
export * from './migrations/migrate';
export { Prisma, UserType } from './generated/prisma/client';
export type { User, Customer, Organization, Alert, AlertHistory, Integration } from './generated/prisma/client';
