import { randomBytes } from 'node:crypto';

import * as argon2 from 'argon2';
import type { Response } from 'light-my-request';

import { PASSWORD_HASHING } from '@sluice/config';
import type { PrismaService } from '@sluice/database';

import type { TestGateway } from './gateway';

export const PASSWORD = 'correct horse battery';
let passwordHash: Promise<string> | undefined;

export const uniqueId = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;

export async function createCustomer(prisma: PrismaService, opts: { id?: string; active?: boolean } = {}) {
  return prisma.customer.create({
    data: { id: opts.id ?? uniqueId('cust'), name: 'Test customer', active: opts.active ?? true },
  });
}

export interface UserOptions {
  type?: 'API' | 'UI';
  isSuperadmin?: boolean;
  isAdmin?: boolean;
  disabled?: boolean;
  customers?: string[];
  email?: string;
}

/** A user straight in the database, with the password PASSWORD. */
export async function createUser(prisma: PrismaService, opts: UserOptions = {}) {
  passwordHash ??= argon2.hash(PASSWORD, PASSWORD_HASHING);
  return prisma.user.create({
    data: {
      email: opts.email ?? `${uniqueId('user')}@example.com`,
      name: 'Test user',
      passwordHash: await passwordHash,
      type: opts.type ?? 'API',
      isSuperadmin: opts.isSuperadmin ?? false,
      isAdmin: opts.isAdmin ?? false,
      disabled: opts.disabled ?? false,
      customers: { create: (opts.customers ?? []).map((customerId) => ({ customerId })) },
    },
  });
}

export const basic = (email: string, password: string) =>
  `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  response: Response;
}

export async function login(gw: TestGateway, email: string, password = PASSWORD): Promise<Tokens> {
  const response = await gw.inject({
    method: 'POST',
    url: '/api/v1/user/token',
    headers: { authorization: basic(email, password) },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const { data } = response.json();
  return { accessToken: data.access_token, refreshToken: data.refresh_token, response };
}

/** An API user mapped to the given customers, logged in: its bearer header. */
export async function apiUser(gw: TestGateway, customers: string[], opts: UserOptions = {}) {
  const user = await createUser(gw.prisma, { customers, ...opts });
  const tokens = await login(gw, user.email);
  return { user, ...tokens, auth: { authorization: `Bearer ${tokens.accessToken}` } };
}

export const event = (envcustomerid: string, overrides: Record<string, unknown> = {}) => ({
  envcustomerid,
  ieventid: uniqueId('evt'),
  entity: 'web-01',
  entityid: 'host-4711',
  parametercategory: 'cpu',
  parametername: 'cpu.utilization',
  severity: 'critical',
  description: 'CPU above 95% for 10 minutes',
  firstoccurrence: '2024-05-01T12:00:00Z',
  ...overrides,
});

export const metric = (envcustomerid: string, overrides: Record<string, unknown> = {}) => ({
  envcustomerid,
  entityid: 'host-4711',
  parametername: 'cpu.utilization',
  value: 42.5,
  unit: '%',
  timestamp: '2024-05-01T12:00:00Z',
  tags: { core: '0' },
  ...overrides,
});

export const entity = (envcustomerid: string, overrides: Record<string, unknown> = {}) => ({
  envcustomerid,
  entityid: 'app-7',
  entity: 'billing-api',
  entitytype: 'application',
  relations: [{ targetentityid: 'host-4711', relationtype: 'runs_on' }],
  timestamp: '2024-05-01T12:00:00Z',
  ...overrides,
});

export const service = (envcustomerid: string, overrides: Record<string, unknown> = {}) => ({
  envcustomerid,
  serviceid: 'svc-billing',
  service: 'Billing',
  entities: ['app-7', 'db-2'],
  timestamp: '2024-05-01T12:00:00Z',
  ...overrides,
});

export const heartbeat = (envcustomerid: string, overrides: Record<string, unknown> = {}) => ({
  envcustomerid,
  adapterid: 'nifi-flow-1',
  adaptername: 'NiFi events flow',
  adaptertype: 'nifi',
  status: 'UP',
  timestamp: '2024-05-01T12:00:00Z',
  interval: 300,
  stats: { processed: 120, failed: 2 },
  ...overrides,
});

/** A new API key (spec §8.1) of the user whose bearer header is `auth`; fails unless it is made. */
export async function apiKey(gw: TestGateway, auth: Record<string, string>, scopes: string[]): Promise<string> {
  const res = await gw.inject({
    method: 'POST',
    url: '/api/v1/apikeys',
    headers: auth,
    payload: { name: 'test', scopes },
  });
  if (res.statusCode !== 201) throw new Error(`API key not made: ${res.statusCode} ${res.body}`);
  return res.json<{ key: string }>().key;
}

/**
 * Installs a ServiceNow integration of `customer` (spec §4) whose notifier calls `baseURI` without
 * authentication and whose inbound side takes a WEBHOOK token; answers that token.
 */
export async function installItsm(
  gw: TestGateway,
  auth: Record<string, string>,
  customer: string,
  baseURI: string,
): Promise<string> {
  const res = await gw.inject({
    method: 'POST',
    url: `/api/v2/tenants/${customer}/integrations/installed`,
    headers: auth,
    payload: {
      integration: { id: 'SERVICENOW' },
      inboundConfig: { authentication: { authType: 'WEBHOOK' } },
      outboundConfig: { baseNotifier: { type: 'REST_API', baseURI, authType: 'NONE' } },
    },
  });
  if (res.statusCode !== 201) throw new Error(`integration not installed: ${res.statusCode} ${res.body}`);
  return res.json<{ inboundConfig: { authentication: { token: string } } }>().inboundConfig.authentication.token;
}
