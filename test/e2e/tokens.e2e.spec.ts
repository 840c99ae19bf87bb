/**
 * Spec §1 (tokens) and access-token handling, end to end: login, refresh with rotation and
 * reuse detection, logout, and how POST /publish/allevents treats access tokens (checks 1–2 of §2).
 */
import * as jwt from 'jsonwebtoken';
import type { Response } from 'light-my-request';

import type { UserOptions } from '../helpers/fixtures';
import { basic, createCustomer, createUser, event, login, PASSWORD, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';

const LOGIN = '/api/v1/user/token';
const REFRESH = '/api/v1/user/token/refresh';
const LOGOUT = '/api/v1/user/logout';
const PUBLISH = '/publish/allevents';

/** The gateways' signing key, so that tests can sign tokens with the right key. */
const JWT_SECRET = 'tokens-e2e-known-jwt-secret-0123456789abcdef';
const OTHER_SECRET = 'tokens-e2e-some-other-secret-0123456789abcdef';

const INVALID_LOGIN = { detail: 'Invalid username/password' };
const MISSING_ACCESS = { message: 'Missing access token' };
const INVALID_ACCESS = { message: 'Invalid access token' };
const INVALID_REFRESH = { message: 'Invalid refresh token' };
const ACCESS_DENIED = { message: 'Access denied' };
const LOGGED_OUT = { message: 'Logged out' };

// ---------------------------------------------------------------------------------------------
// Helpers

/** The raw Set-Cookie lines of a response. */
function setCookieLines(res: Response): string[] {
  const header = res.headers['set-cookie'];
  if (header === undefined) return [];
  return Array.isArray(header) ? header : [String(header)];
}

/** The one Set-Cookie line for `name`, split into its value and lower-cased attributes. */
function setCookie(res: Response, name: string): { value: string; attrs: Map<string, string> } {
  const lines = setCookieLines(res).filter((l) => l.startsWith(`${name}=`));
  expect(lines).toHaveLength(1);
  const [pair, ...rest] = lines[0].split(';').map((p) => p.trim());
  const attrs = new Map(
    rest.map((a) => {
      const i = a.indexOf('=');
      return i < 0 ? [a.toLowerCase(), ''] : [a.slice(0, i).toLowerCase(), a.slice(i + 1)];
    }),
  );
  return { value: decodeURIComponent(pair.slice(name.length + 1)), attrs };
}

/** Expects both token cookies: HttpOnly, SameSite=Strict, Secure only when `secure`. */
function expectTokenCookies(res: Response, tokens: { access: string; refresh: string }, secure: boolean) {
  const access = setCookie(res, 'access_token');
  const refresh = setCookie(res, 'refresh_token');
  expect(access.value).toBe(tokens.access);
  expect(refresh.value).toBe(tokens.refresh);
  for (const c of [access, refresh]) {
    expect(c.attrs.has('httponly')).toBe(true);
    expect(c.attrs.get('samesite')?.toLowerCase()).toBe('strict');
    expect(c.attrs.has('secure')).toBe(secure);
  }
}

/** Expects the cookie to be cleared: empty value and Max-Age=0 or an Expires in the past. */
function expectCleared(res: Response, name: string) {
  const c = setCookie(res, name);
  expect(c.value).toBe('');
  const maxAgeZero = c.attrs.get('max-age') === '0';
  const expired = c.attrs.has('expires') && Date.parse(c.attrs.get('expires')!) <= Date.now();
  expect(maxAgeZero || expired).toBe(true);
}

/** The token API's one 401 body: `detail`, and optionally `message` with the same text (spec §1). */
function expectInvalidLogin(res: Response) {
  expect(res.statusCode).toBe(401);
  const body = res.json();
  expect(body).toEqual('message' in body ? { ...INVALID_LOGIN, message: INVALID_LOGIN.detail } : INVALID_LOGIN);
}

const loginWith = (gw: TestGateway, authorization?: string) =>
  gw.inject({ method: 'POST', url: LOGIN, headers: authorization === undefined ? {} : { authorization } });

const refreshWithCookie = (gw: TestGateway, refreshToken: string) =>
  gw.inject({ method: 'POST', url: REFRESH, cookies: { refresh_token: refreshToken } });

const refreshWithBody = (gw: TestGateway, refreshToken: string) =>
  gw.inject({ method: 'POST', url: REFRESH, payload: { refresh_token: refreshToken } });

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** POST /publish/allevents with one valid event for `customerId`. */
const publish = (gw: TestGateway, customerId: string, headers: Record<string, string> = {}) =>
  gw.inject({ method: 'POST', url: PUBLISH, headers, payload: event(customerId) });

const PUBLISHED = { message: 'Data published successfully', count: 1, requestId: expect.any(String) };

/** A fresh customer and a user mapped to it, logged in. */
async function session(gw: TestGateway, opts: UserOptions = {}) {
  const customer = await createCustomer(gw.prisma);
  const user = await createUser(gw.prisma, { customers: [customer.id], ...opts });
  const tokens = await login(gw, user.email);
  return { customer, user, ...tokens };
}

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** An access token signed like the gateway's (HS256, iss sluice, aud sluice-api), with overrides. */
function sign({ sub, fam }: { sub: string; fam: string }, secret = JWT_SECRET, opts: jwt.SignOptions = {}) {
  return jwt.sign({ sub, fam }, secret, {
    algorithm: 'HS256',
    issuer: 'sluice',
    audience: 'sluice-api',
    expiresIn: 900,
    ...opts,
  });
}

/** The claims of a token the gateway issued. */
const claimsOf = (accessToken: string) =>
  jwt.decode(accessToken) as { sub: string; fam: string; iss: string; aud: string; iat: number; exp: number };

// ---------------------------------------------------------------------------------------------

describe('tokens (spec §1)', () => {
  // The default gateway: ACCESS_CACHE_TTL at its default (5 s). Revocations made through this
  // gateway (logout, refresh-token reuse, admin disable) reach its access cache at once
  // ("same-process invalidation"); changes made behind its back are covered by `uncached` below.
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ JWT_SECRET });
  });
  afterAll(() => gw.close());

  describe('POST /api/v1/user/token', () => {
    it('answers 200 with the token pair in the body and in two HttpOnly, SameSite=Strict cookies (not Secure in test)', async () => {
      const user = await createUser(gw.prisma);
      const res = await loginWith(gw, basic(user.email, PASSWORD));
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toEqual({
        status_code: 200,
        data: {
          email: user.email,
          name: 'Test user',
          is_superadmin: false,
          access_token: expect.any(String),
          refresh_token: expect.any(String),
        },
      });
      expect(body.data.access_token).not.toBe(body.data.refresh_token);
      expect(setCookieLines(res)).toHaveLength(2);
      expectTokenCookies(res, { access: body.data.access_token, refresh: body.data.refresh_token }, false);
    });

    it('issues an HS256 JWT with issuer sluice, audience sluice-api, sub = user id and a 900 s lifetime', async () => {
      const user = await createUser(gw.prisma);
      const { accessToken } = await login(gw, user.email);
      const header = JSON.parse(Buffer.from(accessToken.split('.')[0], 'base64url').toString());
      expect(header.alg).toBe('HS256');
      const claims = jwt.verify(accessToken, JWT_SECRET, { algorithms: ['HS256'] }) as ReturnType<typeof claimsOf>;
      expect(claims).toMatchObject({ sub: user.id, iss: 'sluice', aud: 'sluice-api', fam: expect.any(String) });
      expect(claims.exp - claims.iat).toBe(900);
    });

    it('reports is_superadmin true for a superadmin', async () => {
      const user = await createUser(gw.prisma, { isSuperadmin: true });
      const res = await loginWith(gw, basic(user.email, PASSWORD));
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toMatchObject({ email: user.email, is_superadmin: true });
    });

    it('matches the email case-insensitively', async () => {
      const user = await createUser(gw.prisma);
      const res = await loginWith(gw, basic(user.email.toUpperCase(), PASSWORD));
      expect(res.statusCode).toBe(200);
      expect(res.json().data.email).toBe(user.email);
    });

    it('accepts a password that contains colons (only the first colon of Basic credentials separates the email)', async () => {
      const admin = await createUser(gw.prisma, { isSuperadmin: true });
      const { accessToken } = await login(gw, admin.email);
      const email = `${uniqueId('colon')}@example.com`;
      const password = 'pass:word:with:colons';
      const created = await gw.inject({
        method: 'POST',
        url: '/api/v1/admin/users',
        headers: bearer(accessToken),
        payload: { email, name: 'Colon user', password, type: 'API', customers: [] },
      });
      expect(created.statusCode).toBe(201);

      const res = await loginWith(gw, basic(email, password));
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toMatchObject({ email, name: 'Colon user' });
      // Only the whole password will do, not its part before the second colon.
      expectInvalidLogin(await loginWith(gw, basic(email, 'pass:word')));
      expectInvalidLogin(await loginWith(gw, basic(email, 'pass')));
    });

    it('accepts the Basic scheme in any case', async () => {
      const user = await createUser(gw.prisma);
      const res = await loginWith(gw, basic(user.email, PASSWORD).replace(/^Basic/, 'basic'));
      expect(res.statusCode).toBe(200);
    });

    it('starts a new session per login: two logins give different refresh tokens', async () => {
      const user = await createUser(gw.prisma);
      const first = await login(gw, user.email);
      const second = await login(gw, user.email);
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(claimsOf(second.accessToken).fam).not.toBe(claimsOf(first.accessToken).fam);
    });

    describe('answers 401 {"detail": "Invalid username/password"}, setting no cookie, for', () => {
      let email: string;
      let disabledEmail: string;
      beforeAll(async () => {
        email = (await createUser(gw.prisma)).email;
        disabledEmail = (await createUser(gw.prisma, { disabled: true })).email;
      });

      const cases: [string, () => string | undefined][] = [
        ['a wrong password', () => basic(email, `${PASSWORD}!`)],
        ['an empty password', () => basic(email, '')],
        ['an unknown email', () => basic('nobody-here@example.com', PASSWORD)],
        ['a disabled user with the right password', () => basic(disabledEmail, PASSWORD)],
        ['no Authorization header', () => undefined],
        ['an empty Authorization header', () => ''],
        ['"Basic" without credentials', () => 'Basic'],
        ['"Basic !!!notbase64"', () => 'Basic !!!notbase64'],
        ['"Bearer x"', () => 'Bearer x'],
        [
          'right credentials under another scheme ("NotBasic")',
          () => basic(email, PASSWORD).replace(/^Basic/, 'NotBasic'),
        ],
        ['base64 without a colon', () => `Basic ${Buffer.from(`${email}${PASSWORD}`).toString('base64')}`],
        ['an empty user and password', () => basic('', '')],
      ];

      it.each(cases)('%s', async (_name, authorization) => {
        const res = await loginWith(gw, authorization());
        expectInvalidLogin(res);
        expect(setCookieLines(res)).toEqual([]);
      });
    });

    it('lets a UI user log in, but the publish API answers it 403 {"message": "Access denied"}', async () => {
      const { customer, accessToken, response } = await session(gw, { type: 'UI' });
      expect(response.statusCode).toBe(200);
      const res = await publish(gw, customer.id, bearer(accessToken));
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual(ACCESS_DENIED);
    });

    describe('with COOKIE_SECURE=true', () => {
      let secureGw: TestGateway;
      beforeAll(async () => {
        secureGw = await startGateway({ COOKIE_SECURE: 'true' });
      });
      afterAll(() => secureGw.close());

      it('marks both cookies Secure, on login, refresh and logout', async () => {
        const user = await createUser(secureGw.prisma);
        const { accessToken, refreshToken, response } = await login(secureGw, user.email);
        expectTokenCookies(response, { access: accessToken, refresh: refreshToken }, true);

        const refreshed = await refreshWithCookie(secureGw, refreshToken);
        expect(refreshed.statusCode).toBe(200);
        const { data } = refreshed.json();
        expectTokenCookies(refreshed, { access: data.access_token, refresh: data.refresh_token }, true);

        const out = await secureGw.inject({
          method: 'POST',
          url: LOGOUT,
          cookies: { refresh_token: data.refresh_token },
        });
        expect(out.statusCode).toBe(200);
        expect(setCookie(out, 'access_token').attrs.has('secure')).toBe(true);
        expect(setCookie(out, 'refresh_token').attrs.has('secure')).toBe(true);
      });
    });
  });

  describe('access tokens on POST /publish/allevents', () => {
    it('accepts the token from the access_token cookie', async () => {
      const { customer, accessToken } = await session(gw);
      const res = await publish(gw, customer.id, { cookie: `access_token=${accessToken}` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(PUBLISHED);
    });

    it('accepts the token from Authorization: Bearer', async () => {
      const { customer, accessToken } = await session(gw);
      const res = await publish(gw, customer.id, bearer(accessToken));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(PUBLISHED);
    });

    it('answers 401 {"message": "Missing access token"} without any token', async () => {
      const customer = await createCustomer(gw.prisma);
      const res = await publish(gw, customer.id);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(MISSING_ACCESS);
    });

    it('checks the token before the body: no token and a garbage body is still 401 Missing access token', async () => {
      const res = await gw.inject({
        method: 'POST',
        url: PUBLISH,
        headers: { 'content-type': 'application/json' },
        payload: '{not json',
      });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(MISSING_ACCESS);
    });

    it('accepts a token the test signs with the gateway key (control for the forged tokens below)', async () => {
      const { customer, accessToken } = await session(gw);
      const res = await publish(gw, customer.id, bearer(sign(claimsOf(accessToken))));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(PUBLISHED);
    });

    describe('answers 401 {"message": "Invalid access token"} for', () => {
      let customerId: string;
      let real: string;
      let claims: { sub: string; fam: string };
      beforeAll(async () => {
        const s = await session(gw);
        customerId = s.customer.id;
        real = s.accessToken;
        const { sub, fam } = claimsOf(real);
        claims = { sub, fam };
      });

      const tamperPayload = (token: string) => {
        const [h, , s] = token.split('.');
        return `${h}.${b64url({ ...claimsOf(token), sub: '00000000-0000-4000-8000-000000000000' })}.${s}`;
      };
      const tamperSignature = (token: string) => {
        const [h, p, s] = token.split('.');
        const i = Math.floor(s.length / 2);
        return `${h}.${p}.${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
      };
      const unsigned = (alg: string) => () =>
        `${b64url({ alg, typ: 'JWT' })}.${b64url({ ...claims, iss: 'sluice', aud: 'sluice-api', iat: nowSeconds(), exp: nowSeconds() + 900 })}.`;

      const cases: [string, () => string][] = [
        ['a token signed with another secret', () => sign(claims, OTHER_SECRET)],
        ['an unsigned token (alg none)', unsigned('none')],
        ['an unsigned token (alg NONE)', unsigned('NONE')],
        ['a token whose payload was changed', () => tamperPayload(real)],
        ['a token whose signature was changed', () => tamperSignature(real)],
        ['a token without its signature', () => real.split('.').slice(0, 2).join('.') + '.'],
        ['an HS512 token with the right key', () => sign(claims, JWT_SECRET, { algorithm: 'HS512' })],
        [
          'an expired token with the right key',
          () =>
            jwt.sign({ ...claims, exp: nowSeconds() - 60 }, JWT_SECRET, {
              algorithm: 'HS256',
              issuer: 'sluice',
              audience: 'sluice-api',
            }),
        ],
        ['a token not valid yet (nbf) with the right key', () => sign(claims, JWT_SECRET, { notBefore: 3600 })],
        ['a token for another audience', () => sign(claims, JWT_SECRET, { audience: 'someone-else' })],
        ['a token from another issuer', () => sign(claims, JWT_SECRET, { issuer: 'not-sluice' })],
        [
          'a token without sub and fam claims',
          () =>
            jwt.sign({}, JWT_SECRET, { algorithm: 'HS256', issuer: 'sluice', audience: 'sluice-api', expiresIn: 900 }),
        ],
        ['a token of an unknown user', () => sign({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })],
        ['a token of an unknown session', () => sign({ ...claims, fam: '00000000-0000-4000-8000-000000000000' })],
        ['a garbage string', () => 'not-a-jwt'],
        ['three garbage segments', () => 'a.b.c'],
      ];

      it.each(cases)('%s, as Bearer', async (_name, token) => {
        const res = await publish(gw, customerId, bearer(token()));
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual(INVALID_ACCESS);
      });

      it.each(cases)('%s, as cookie', async (_name, token) => {
        const res = await publish(gw, customerId, { cookie: `access_token=${token()}` });
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual(INVALID_ACCESS);
      });

      it('a bad token with a garbage body (the token is checked first)', async () => {
        const res = await gw.inject({
          method: 'POST',
          url: PUBLISH,
          headers: { ...bearer('not-a-jwt'), 'content-type': 'application/json' },
          payload: '{not json',
        });
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual(INVALID_ACCESS);
      });
    });
  });

  describe('POST /api/v1/user/token/refresh', () => {
    it('exchanges the refresh_token cookie for a new pair and new cookies; the old refresh token then fails', async () => {
      const { user, customer, refreshToken } = await session(gw);
      const res = await refreshWithCookie(gw, refreshToken);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toEqual({
        status_code: 200,
        data: {
          email: user.email,
          name: 'Test user',
          is_superadmin: false,
          access_token: expect.any(String),
          refresh_token: expect.any(String),
        },
      });
      expect(body.data.refresh_token).not.toBe(refreshToken);
      expectTokenCookies(res, { access: body.data.access_token, refresh: body.data.refresh_token }, false);

      const published = await publish(gw, customer.id, bearer(body.data.access_token));
      expect(published.statusCode).toBe(200);

      const again = await refreshWithCookie(gw, refreshToken);
      expect(again.statusCode).toBe(401);
      expect(again.json()).toEqual(INVALID_REFRESH);
    });

    it('takes the refresh token from a JSON body {"refresh_token": ...} as well', async () => {
      const { user, refreshToken } = await session(gw);
      const res = await refreshWithBody(gw, refreshToken);
      expect(res.statusCode).toBe(200);
      const { data } = res.json();
      expect(data).toMatchObject({
        email: user.email,
        access_token: expect.any(String),
        refresh_token: expect.any(String),
      });
      expect(data.refresh_token).not.toBe(refreshToken);
      expectTokenCookies(res, { access: data.access_token, refresh: data.refresh_token }, false);

      const again = await refreshWithBody(gw, refreshToken);
      expect(again.statusCode).toBe(401);
      expect(again.json()).toEqual(INVALID_REFRESH);
    });

    it('chains: each new refresh token works exactly once', async () => {
      let { refreshToken } = await session(gw);
      for (let i = 0; i < 3; i++) {
        const res = await refreshWithBody(gw, refreshToken);
        expect(res.statusCode).toBe(200);
        refreshToken = res.json().data.refresh_token;
      }
      expect((await refreshWithBody(gw, refreshToken)).statusCode).toBe(200);
    });

    it('revokes the whole family when a rotated-out token is presented again (same-process invalidation)', async () => {
      // Default ACCESS_CACHE_TTL: the revocation happens in this gateway, which drops the
      // family from its access cache at once, so no waiting for the cache to expire.
      const { user, customer, refreshToken: first, accessToken: firstAccess } = await session(gw);
      const other = await login(gw, user.email); // a second, independent session of the same user

      const rotated = await refreshWithCookie(gw, first);
      expect(rotated.statusCode).toBe(200);
      const { access_token: newestAccess, refresh_token: newest } = rotated.json().data;
      // Both access tokens of the family work before the reuse (and are now cached as valid).
      expect((await publish(gw, customer.id, bearer(firstAccess))).statusCode).toBe(200);
      expect((await publish(gw, customer.id, bearer(newestAccess))).statusCode).toBe(200);

      const reuse = await refreshWithCookie(gw, first);
      expect(reuse.statusCode).toBe(401);
      expect(reuse.json()).toEqual(INVALID_REFRESH);

      const newestRes = await refreshWithCookie(gw, newest);
      expect(newestRes.statusCode).toBe(401);
      expect(newestRes.json()).toEqual(INVALID_REFRESH);
      for (const token of [firstAccess, newestAccess]) {
        const res = await publish(gw, customer.id, bearer(token));
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual(INVALID_ACCESS);
      }

      // The user's other session is untouched.
      expect((await publish(gw, customer.id, bearer(other.accessToken))).statusCode).toBe(200);
      expect((await refreshWithBody(gw, other.refreshToken)).statusCode).toBe(200);
    });

    describe('answers 401 {"message": "Invalid refresh token"} for', () => {
      const cases: [string, () => Promise<Response>][] = [
        ['no refresh token at all', () => gw.inject({ method: 'POST', url: REFRESH })],
        ['an empty JSON body', () => gw.inject({ method: 'POST', url: REFRESH, payload: {} })],
        ['an empty refresh_token in the body', () => refreshWithBody(gw, '')],
        [
          'a non-string refresh_token in the body',
          () => gw.inject({ method: 'POST', url: REFRESH, payload: { refresh_token: 42 } }),
        ],
        ['an empty refresh_token cookie', () => refreshWithCookie(gw, '')],
        ['an unknown refresh token (cookie)', () => refreshWithCookie(gw, 'A'.repeat(43))],
        ['an unknown refresh token (body)', () => refreshWithBody(gw, 'A'.repeat(43))],
        ['a garbage refresh token', () => refreshWithBody(gw, 'not a token at all')],
        ['an access token presented as refresh token', () => refreshWithBody(gw, sign({ sub: 'x', fam: 'y' }))],
      ];

      it.each(cases)('%s', async (_name, request) => {
        const res = await request();
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual(INVALID_REFRESH);
        expect(setCookieLines(res)).toEqual([]);
      });

      it('an expired refresh token', async () => {
        const { user, refreshToken } = await session(gw);
        const expired = await gw.prisma.refreshToken.updateMany({
          where: { family: { userId: user.id } },
          data: { expiresAt: new Date(Date.now() - 1000) },
        });
        expect(expired.count).toBe(1);
        const res = await refreshWithCookie(gw, refreshToken);
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual(INVALID_REFRESH);
      });
    });
  });

  describe('POST /api/v1/user/logout', () => {
    const logoutCases: [string, (gw: TestGateway, refreshToken: string) => Promise<Response>][] = [
      ['the refresh_token cookie', (g, t) => g.inject({ method: 'POST', url: LOGOUT, cookies: { refresh_token: t } })],
      ['a JSON body', (g, t) => g.inject({ method: 'POST', url: LOGOUT, payload: { refresh_token: t } })],
    ];

    it.each(logoutCases)(
      'with %s: 200 Logged out, clears both cookies, ends the refresh token and the access token of the session',
      async (_name, logout) => {
        // Same-process invalidation: logout drops the family from this gateway's access cache.
        const { customer, accessToken, refreshToken } = await session(gw);
        expect((await publish(gw, customer.id, bearer(accessToken))).statusCode).toBe(200);

        const res = await logout(gw, refreshToken);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual(LOGGED_OUT);
        expectCleared(res, 'access_token');
        expectCleared(res, 'refresh_token');

        const refreshed = await refreshWithCookie(gw, refreshToken);
        expect(refreshed.statusCode).toBe(401);
        expect(refreshed.json()).toEqual(INVALID_REFRESH);

        for (const headers of [bearer(accessToken), { cookie: `access_token=${accessToken}` }]) {
          const published = await publish(gw, customer.id, headers);
          expect(published.statusCode).toBe(401);
          expect(published.json()).toEqual(INVALID_ACCESS);
        }
      },
    );

    it('also ends a session whose refresh token was already rotated, given the newest token', async () => {
      const { customer, refreshToken } = await session(gw);
      const rotated = (await refreshWithBody(gw, refreshToken)).json().data;
      const res = await gw.inject({ method: 'POST', url: LOGOUT, payload: { refresh_token: rotated.refresh_token } });
      expect(res.json()).toEqual(LOGGED_OUT);
      const published = await publish(gw, customer.id, bearer(rotated.access_token));
      expect(published.statusCode).toBe(401);
      expect(published.json()).toEqual(INVALID_ACCESS);
      expect((await refreshWithBody(gw, rotated.refresh_token)).json()).toEqual(INVALID_REFRESH);
    });

    it('leaves the other sessions of the same user alone', async () => {
      const { user, customer, refreshToken } = await session(gw);
      const other = await login(gw, user.email);
      const res = await gw.inject({ method: 'POST', url: LOGOUT, cookies: { refresh_token: refreshToken } });
      expect(res.statusCode).toBe(200);
      expect((await publish(gw, customer.id, bearer(other.accessToken))).statusCode).toBe(200);
      expect((await refreshWithBody(gw, other.refreshToken)).statusCode).toBe(200);
    });
  });

  describe('a user disabled after login', () => {
    it('through the admin API: its access token is rejected at once and its refresh token fails', async () => {
      // Same-process invalidation: the admin PATCH runs in this gateway and drops the user from
      // its access cache, so the default ACCESS_CACHE_TTL does not delay the rejection.
      const { user, customer, accessToken, refreshToken } = await session(gw);
      expect((await publish(gw, customer.id, bearer(accessToken))).statusCode).toBe(200);

      const admin = await createUser(gw.prisma, { isSuperadmin: true });
      const adminTokens = await login(gw, admin.email);
      const patched = await gw.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${user.id}`,
        headers: bearer(adminTokens.accessToken),
        payload: { disabled: true },
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({ id: user.id, disabled: true });

      const published = await publish(gw, customer.id, bearer(accessToken));
      expect(published.statusCode).toBe(401);
      expect(published.json()).toEqual(INVALID_ACCESS);
      const refreshed = await refreshWithCookie(gw, refreshToken);
      expect(refreshed.statusCode).toBe(401);
      expect(refreshed.json()).toEqual(INVALID_REFRESH);
      const relogin = await loginWith(gw, basic(user.email, PASSWORD));
      expectInvalidLogin(relogin);
    });
  });

  describe("with ACCESS_CACHE_TTL=0 (changes made behind the gateway's back show at once)", () => {
    // This gateway keeps no access decisions, so a change written straight to the database
    // (as another gateway process would) is seen by the very next request.
    let uncached: TestGateway;
    beforeAll(async () => {
      uncached = await startGateway({ JWT_SECRET, ACCESS_CACHE_TTL: '0' });
    });
    afterAll(() => uncached.close());

    it('rejects the access token and the refresh token of a user disabled in the database', async () => {
      const { user, customer, accessToken, refreshToken } = await session(uncached);
      expect((await publish(uncached, customer.id, bearer(accessToken))).statusCode).toBe(200);

      await uncached.prisma.user.update({ where: { id: user.id }, data: { disabled: true } });

      const published = await publish(uncached, customer.id, bearer(accessToken));
      expect(published.statusCode).toBe(401);
      expect(published.json()).toEqual(INVALID_ACCESS);
      const refreshed = await refreshWithBody(uncached, refreshToken);
      expect(refreshed.statusCode).toBe(401);
      expect(refreshed.json()).toEqual(INVALID_REFRESH);
    });

    it('rejects the access tokens of a family revoked by refresh-token reuse', async () => {
      const { customer, accessToken, refreshToken } = await session(uncached);
      const rotated = (await refreshWithCookie(uncached, refreshToken)).json().data;
      expect((await publish(uncached, customer.id, bearer(rotated.access_token))).statusCode).toBe(200);

      expect((await refreshWithCookie(uncached, refreshToken)).json()).toEqual(INVALID_REFRESH);

      for (const token of [accessToken, rotated.access_token]) {
        const res = await publish(uncached, customer.id, bearer(token));
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual(INVALID_ACCESS);
      }
      const newest = await refreshWithCookie(uncached, rotated.refresh_token);
      expect(newest.statusCode).toBe(401);
      expect(newest.json()).toEqual(INVALID_REFRESH);
    });

    it('rejects the access token of a session revoked in the database', async () => {
      const { user, customer, accessToken } = await session(uncached);
      expect((await publish(uncached, customer.id, bearer(accessToken))).statusCode).toBe(200);
      await uncached.prisma.tokenFamily.updateMany({ where: { userId: user.id }, data: { revokedAt: new Date() } });
      const res = await publish(uncached, customer.id, { cookie: `access_token=${accessToken}` });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(INVALID_ACCESS);
    });
  });
});
