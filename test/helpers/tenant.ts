import type { TestGateway } from './gateway';
import { apiUser, createCustomer, UserOptions } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** A customer of its own and an API user mapped to it, logged in, on one gateway. */
export interface Tenant {
  gw: TestGateway;
  customer: string;
  userId: string;
  email: string;
  /** The user's bearer header. */
  auth: Record<string, string>;
  accessToken: string;
  refreshToken: string;
}

/** Who sends a request: a tenant, or any user's bearer header on a gateway. */
export type Caller = Pick<Tenant, 'gw' | 'auth'>;

/** A fresh tenant: a new customer, and an API user (or as `opts` say) mapped to it. */
export async function tenant(gw: TestGateway, opts: UserOptions = {}): Promise<Tenant> {
  const customer = (await createCustomer(gw.prisma)).id;
  const { user, auth, accessToken, refreshToken } = await apiUser(gw, [customer], opts);
  return { gw, customer, userId: user.id, email: user.email, auth, accessToken, refreshToken };
}

/** POST /publish/<route> as `t`; expects the contract's 200 with the record count. */
export async function publish(t: Caller, route: string, body: object | object[]): Promise<Json> {
  const res = await t.gw.inject({ method: 'POST', url: `/publish/${route}`, headers: t.auth, payload: body });
  expect({ route, status: res.statusCode, body: res.statusCode === 200 ? undefined : res.body }).toEqual({ route, status: 200, body: undefined });
  expect(res.json()).toMatchObject({ message: 'Data published successfully', count: Array.isArray(body) ? body.length : 1 });
  return res.json();
}

/** GET `url` as `t`; expects `status` (a mismatch shows the url and the body). */
export async function get<T = Json>(t: Caller, url: string, status = 200): Promise<T> {
  const res = await t.gw.inject({ method: 'GET', url, headers: t.auth });
  expect({ url, status: res.statusCode, body: res.statusCode === status ? undefined : res.body }).toEqual({ url, status, body: undefined });
  return res.json();
}
