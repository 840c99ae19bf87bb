import type { Response } from 'light-my-request';

import type { UserOptions } from './fixtures';
import { apiUser, createCustomer } from './fixtures';
import type { TestGateway } from './gateway';

/**
 * A response body or raw row as the tests read it. Tests assert on its shape (toEqual, toMatchObject)
 * rather than restating the contract's types, so its fields are left untyped.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked by the assertions on their shape
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

/** Expects `status`; a mismatch shows the url and the body. */
function expectStatus(url: string, res: Response, status: number): void {
  const body = res.statusCode === status ? undefined : res.body;
  expect({ url, status: res.statusCode, body }).toEqual({ url, status, body: undefined });
}

/** POST /publish/<route> as `t`; expects the contract's 200 with the record count. */
export async function publish(t: Caller, route: string, body: object | object[]): Promise<Json> {
  const url = `/publish/${route}`;
  const res = await t.gw.inject({ method: 'POST', url, headers: t.auth, payload: body });
  expectStatus(url, res, 200);
  const count = Array.isArray(body) ? body.length : 1;
  expect(res.json()).toMatchObject({ message: 'Data published successfully', count });
  return res.json();
}

/** GET `url` as `t`; expects `status`. */
export async function get<T = Json>(t: Caller, url: string, status = 200): Promise<T> {
  const res = await t.gw.inject({ method: 'GET', url, headers: t.auth });
  expectStatus(url, res, status);
  return res.json();
}
