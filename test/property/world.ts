import { createCustomer, createUser, event, login, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { eventually } from '../helpers/worker';

/** Who sends a request: the four kinds of user of spec §5 and §4, or nobody. */
export type PrincipalName = 'superadmin' | 'apiAdmin' | 'apiUser' | 'uiUser' | 'none';

export interface Principal {
  email: string;
  accessToken: string;
}

/**
 * What the generated requests refer to, so that they get past authentication and lookups and
 * reach the code behind them: customers, users of every kind, an installed integration, an alert
 * linked to a ticket. Objects that requests may change (a user's customers, a customer's state,
 * a refresh token's family) are spares of their own, so that the principals keep working.
 */
export interface World {
  /** Active; every principal but the superadmin is mapped to it. */
  customer: string;
  /** Another active customer, the target of PATCH /admin/customers. */
  spareCustomer: string;
  inactiveCustomer: string;
  /** The target of PATCH /admin/users. */
  spareUserId: string;
  principals: Record<Exclude<PrincipalName, 'none'>, Principal>;
  /** A refresh token of a login of its own (refresh and logout may revoke its family). */
  spareRefreshToken: string;
  password: string;
  integrationId: string;
  integrationToken: string;
  alertId: string;
  ticketSysid: string;
}

/** Builds the world on a gateway whose worker runs (the alert comes from a published event). */
export async function buildWorld(gw: TestGateway, password: string): Promise<World> {
  const [customer, spareCustomer, inactiveCustomer] = await Promise.all([
    createCustomer(gw.prisma, { id: uniqueId('fz') }),
    createCustomer(gw.prisma, { id: uniqueId('fz-spare') }),
    createCustomer(gw.prisma, { id: uniqueId('fz-off'), active: false }),
  ]);
  const mapped = [customer.id, inactiveCustomer.id];
  const users = {
    superadmin: await createUser(gw.prisma, { isSuperadmin: true }),
    apiAdmin: await createUser(gw.prisma, { isAdmin: true, customers: mapped }),
    apiUser: await createUser(gw.prisma, { customers: mapped }),
    uiUser: await createUser(gw.prisma, { type: 'UI', customers: mapped }),
  };
  const spareUser = await createUser(gw.prisma, { customers: [spareCustomer.id] });
  const principals = {} as World['principals'];
  for (const [name, user] of Object.entries(users)) {
    principals[name as keyof World['principals']] = {
      email: user.email,
      accessToken: (await login(gw, user.email)).accessToken,
    };
  }
  const spareRefreshToken = (await login(gw, spareUser.email)).refreshToken;
  const superadmin = { authorization: `Bearer ${principals.superadmin.accessToken}` };

  const installed = await gw.inject({
    method: 'POST',
    url: `/api/v2/tenants/${customer.id}/integrations/installed`,
    headers: superadmin,
    payload: {
      integration: { id: 'CUSTOM' },
      displayName: 'fuzz',
      inboundConfig: { authentication: { authType: 'WEBHOOK' } },
    },
  });
  if (installed.statusCode !== 201) throw new Error(`install failed: ${installed.statusCode} ${installed.body}`);
  const integration = installed.json();

  const entityid = uniqueId('fz-host');
  const published = await gw.inject({
    method: 'POST',
    url: '/publish/allevents',
    headers: superadmin,
    payload: [event(customer.id, { entityid })],
  });
  if (published.statusCode !== 200) throw new Error(`publish failed: ${published.statusCode} ${published.body}`);
  const alert = (await eventually(
    () => gw.prisma.alert.findFirst({ where: { envcustomerid: customer.id, entityid }, select: { id: true } }),
    Boolean,
    20_000,
  ))!;
  const ticketSysid = uniqueId('fz-sys');
  const linked = await gw.inject({
    method: 'PUT',
    url: `/api/v1/alerts/${alert.id}/ticket`,
    headers: superadmin,
    payload: { sysid: ticketSysid, number: 'INC0000001' },
  });
  if (linked.statusCode !== 200) throw new Error(`ticket link failed: ${linked.statusCode} ${linked.body}`);

  return {
    customer: customer.id,
    spareCustomer: spareCustomer.id,
    inactiveCustomer: inactiveCustomer.id,
    spareUserId: spareUser.id,
    principals,
    spareRefreshToken,
    password,
    integrationId: integration.id,
    integrationToken: integration.inboundConfig.authentication.token,
    alertId: alert.id,
    ticketSysid,
  };
}
