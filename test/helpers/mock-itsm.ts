import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A mock ITSM tool for the outbound half of the loop (spec §4.1): a real HTTP server on
 * 127.0.0.1 (port 0, node:http) that speaks
 *
 * - seed 003's OAuth2 token endpoint, `POST /api/oauth/token`: client id and secret as HTTP Basic,
 *   a form body (`application/x-www-form-urlencoded` or `multipart/form-data`) with `grant_type`
 *   `password` (+ `username`, `password`), `client_credentials` or `refresh_token`
 *   (+ `refresh_token`); answers `access_token`, `token_type`, `refresh_token`, `expires_in`;
 * - a JWT login endpoint (seed 000's `tokenURL`), by default `POST /auth/login`, answering
 *   `{"rest_access": {"access_key": ...}, "session": {"id": ...}}`;
 * - ServiceNow's Table API: `POST /api/now/table/incident` (201 `{"result": {"sys_id", "number", ...}}`),
 *   `PATCH` and `GET /api/now/table/incident/{sys_id}`;
 *
 * checks the Authorization (or other) header of the Table API calls per the configured scheme,
 * records every request (method, path, headers, body, the status it answered) for assertions,
 * and fails on demand: the next N calls of a route answer 500 / 429 with Retry-After / 400 / 401,
 * optionally echoing the request in the error body.
 */

export type MockRoute = 'oauth-token' | 'jwt-token' | 'create' | 'update' | 'read' | 'unknown';
/** What `failNext` can target: one route, both token endpoints, both incident writes, or anything. */
export type FailTarget = MockRoute | 'token' | 'incident' | 'any';

export interface RecordedRequest {
  /** Order of arrival, from 1. */
  seq: number;
  /** Date.now() when the request was complete. */
  at: number;
  method: string;
  /** The path without the query string. */
  path: string;
  query: Record<string, string>;
  route: MockRoute;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The JSON body, or the form fields, or the raw text; undefined when empty. */
  body: unknown;
  /** The form fields, for form bodies. */
  form?: Record<string, string>;
  /** What the mock answered. */
  status: number;
  response: unknown;
}

/** How the Table API calls must authenticate. */
export type ResourceAuth =
  | { scheme: 'NONE' }
  | { scheme: 'BASIC'; userName: string; password: string }
  /** `Authorization: Bearer <access_token>` of a token this mock issued and has not revoked or expired. */
  | { scheme: 'OAUTH2' }
  /** `<header>: <prefix><access_key>` of a key the JWT endpoint issued (default `authorization`, `Bearer `). */
  | { scheme: 'JWT'; header?: string; prefix?: string };

export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  username?: string;
  password?: string;
  /** `expires_in` of the answers, seconds (default 7199, as in seed 003); the mock honours it too. */
  expiresIn?: number;
  /** Grants this server accepts (default all three). */
  grants?: ('password' | 'client_credentials' | 'refresh_token')[];
  /** Refresh tokens accepted before any was issued (e.g. one configured in the integration). */
  refreshTokens?: string[];
}

export interface JwtConfig {
  /** Default `/auth/login`. */
  path?: string;
  /** Headers the token request must carry (names any case), e.g. an API key. */
  headers?: Record<string, string>;
  /** Fields the JSON body must carry with these values. */
  payload?: Record<string, unknown>;
}

export interface MockItsmOptions {
  /** Milliseconds an incident creation takes, to widen races on purpose. */
  createDelayMs?: number;
  auth?: ResourceAuth;
  oauth?: OAuthConfig;
  jwt?: JwtConfig;
}

export interface Failure {
  status: number;
  /** Sent as the Retry-After header. */
  retryAfter?: string;
  body?: unknown;
  /**
   * Answer with the request itself in the error body (its headers but the plumbing ones, then its
   * raw body, as some servers do): what a careless ITSM hands back of the credentials it was sent.
   */
  echo?: boolean;
}

export interface IssuedToken {
  kind: 'oauth' | 'jwt';
  accessToken: string;
  refreshToken?: string;
  grant?: string;
  issuedAt: number;
  expiresAt: number;
}

export interface Incident {
  sys_id: string;
  number: string;
  fields: Record<string, unknown>;
  updates: Record<string, unknown>[];
}

export interface MockItsm {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Every request, oldest first (a copy). */
  readonly requests: RecordedRequest[];
  /** The requests of one route (or target), oldest first. */
  calls(target: FailTarget): RecordedRequest[];
  /** Tokens issued, oldest first. */
  readonly issued: IssuedToken[];
  /** Incidents created, oldest first. */
  readonly incidents: Incident[];
  /** The next `n` calls of `target` answer `failure` (queued after any failures already set). */
  failNext(target: FailTarget, n: number, failure: Failure): void;
  /** Forgets every access token and JWT key issued so far (a server-side expiry): the next call with one gets 401. */
  revokeTokens(): void;
  /** Changes the configuration (e.g. `expiresIn`) from now on. */
  configure(options: MockItsmOptions): void;
  close(): Promise<void>;
}

const INCIDENT_PATH = '/api/now/table/incident';
const OAUTH_PATH = '/api/oauth/token';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

function parseMultipart(raw: string, contentType: string): Record<string, string> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) return {};
  const fields: Record<string, string> = {};
  for (const part of raw.split(`--${boundary[1] ?? boundary[2]}`)) {
    const [head, ...rest] = part.split(/\r?\n\r?\n/);
    const name = /name="([^"]*)"/i.exec(head ?? '');
    if (!name) continue;
    fields[name[1]] = rest.join('\n\n').replace(/\r?\n$/, '');
  }
  return fields;
}

function parseBody(raw: string, contentType: string): { body: unknown; form?: Record<string, string> } {
  if (!raw) return { body: undefined };
  if (/application\/x-www-form-urlencoded/i.test(contentType)) {
    const form = Object.fromEntries(new URLSearchParams(raw));
    return { body: form, form };
  }
  if (/multipart\/form-data/i.test(contentType)) {
    const form = parseMultipart(raw, contentType);
    return { body: form, form };
  }
  try {
    return { body: JSON.parse(raw) };
  } catch {
    return { body: raw };
  }
}

function routeOf(method: string, path: string, jwtPath: string): MockRoute {
  if (method === 'POST' && path === OAUTH_PATH) return 'oauth-token';
  if (method === 'POST' && path === jwtPath) return 'jwt-token';
  if (method === 'POST' && path === INCIDENT_PATH) return 'create';
  if (path.startsWith(`${INCIDENT_PATH}/`) && (method === 'PATCH' || method === 'PUT')) return 'update';
  if (path.startsWith(`${INCIDENT_PATH}/`) && method === 'GET') return 'read';
  return 'unknown';
}

/** The headers of a request but the plumbing ones (host, connection, content type and length, accept). */
function credentialHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const plumbing = new Set(['host', 'connection', 'content-length', 'content-type', 'accept']);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !plumbing.has(name)));
}

function matches(target: FailTarget, route: MockRoute): boolean {
  if (target === 'any') return true;
  if (target === 'token') return route === 'oauth-token' || route === 'jwt-token';
  if (target === 'incident') return route === 'create' || route === 'update';
  return target === route;
}

export async function startMockItsm(initial: MockItsmOptions = {}): Promise<MockItsm> {
  let options: MockItsmOptions = { auth: { scheme: 'NONE' }, ...initial };
  const requests: RecordedRequest[] = [];
  const issued: IssuedToken[] = [];
  const incidents: Incident[] = [];
  const failures: { target: FailTarget; failure: Failure }[] = [];
  const validAccess = new Map<string, number>(); // token → expiresAt
  const validJwt = new Set<string>();
  const validRefresh = new Set<string>(initial.oauth?.refreshTokens ?? []);
  let seq = 0;
  let incidentNumber = 10_000;

  const jwtPath = () => options.jwt?.path ?? '/auth/login';

  function resourceAuthorized(headers: IncomingHttpHeaders): boolean {
    const auth = options.auth ?? { scheme: 'NONE' };
    const authorization = headers.authorization ?? '';
    switch (auth.scheme) {
      case 'NONE':
        return true;
      case 'BASIC':
        return authorization === `Basic ${Buffer.from(`${auth.userName}:${auth.password}`).toString('base64')}`;
      case 'OAUTH2': {
        const m = /^Bearer (.+)$/.exec(authorization);
        const expiresAt = m ? validAccess.get(m[1]) : undefined;
        return expiresAt !== undefined && expiresAt > Date.now();
      }
      case 'JWT': {
        const value = headers[(auth.header ?? 'authorization').toLowerCase()];
        const prefix = auth.prefix ?? 'Bearer ';
        return typeof value === 'string' && value.startsWith(prefix) && validJwt.has(value.slice(prefix.length));
      }
    }
  }

  function oauthToken(headers: IncomingHttpHeaders, form: Record<string, string> | undefined): [number, unknown] {
    const cfg = options.oauth;
    if (!cfg) return [404, { error: 'not_found' }];
    if (headers.authorization !== `Basic ${Buffer.from(`${cfg.clientId}:${cfg.clientSecret}`).toString('base64')}`) {
      return [401, { error: 'invalid_client', error_description: 'Bad client credentials' }];
    }
    if (!form) return [400, { error: 'invalid_request', error_description: 'form body expected' }];
    const grant = form.grant_type;
    const grants = cfg.grants ?? ['password', 'client_credentials', 'refresh_token'];
    if (!grants.includes(grant as never))
      return [400, { error: 'unsupported_grant_type', error_description: `Unsupported grant type: ${grant}` }];
    if (grant === 'password' && (form.username !== cfg.username || form.password !== cfg.password)) {
      return [400, { error: 'invalid_grant', error_description: 'Bad credentials' }];
    }
    if (grant === 'refresh_token') {
      if (!form.refresh_token || !validRefresh.has(form.refresh_token))
        return [400, { error: 'invalid_grant', error_description: 'Invalid refresh token' }];
      validRefresh.delete(form.refresh_token); // rotated, as most servers do
    }
    const expiresIn = cfg.expiresIn ?? 7199;
    const now = Date.now();
    const token: IssuedToken = {
      kind: 'oauth',
      accessToken: `at-${hex(16)}`,
      grant,
      issuedAt: now,
      expiresAt: now + expiresIn * 1000,
    };
    if (grant !== 'client_credentials') {
      token.refreshToken = `rt-${hex(16)}`;
      validRefresh.add(token.refreshToken);
    }
    issued.push(token);
    validAccess.set(token.accessToken, token.expiresAt);
    return [
      200,
      {
        access_token: token.accessToken,
        token_type: 'bearer',
        ...(token.refreshToken && { refresh_token: token.refreshToken }),
        expires_in: expiresIn,
        scope: 'main-web-app-scope',
        jti: hex(8),
      },
    ];
  }

  function jwtToken(headers: IncomingHttpHeaders, body: unknown): [number, unknown] {
    const cfg = options.jwt;
    if (!cfg) return [404, { message: 'Not found' }];
    for (const [name, value] of Object.entries(cfg.headers ?? {})) {
      if (headers[name.toLowerCase()] !== value) return [401, { message: `Invalid credentials (${name})` }];
    }
    for (const [name, value] of Object.entries(cfg.payload ?? {})) {
      if (
        body === null ||
        typeof body !== 'object' ||
        JSON.stringify((body as Record<string, unknown>)[name]) !== JSON.stringify(value)
      ) {
        return [401, { message: `Invalid credentials (${name})` }];
      }
    }
    const now = Date.now();
    const token: IssuedToken = { kind: 'jwt', accessToken: `jwt-${hex(16)}`, issuedAt: now, expiresAt: now + 600_000 };
    issued.push(token);
    validJwt.add(token.accessToken);
    return [
      200,
      { rest_access: { access_key: token.accessToken, expires_in: 600 }, session: { id: `sess-${hex(4)}` } },
    ];
  }

  const unauthorized = {
    error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' },
    status: 'failure',
  };

  function handle(
    route: MockRoute,
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: unknown,
    form: Record<string, string> | undefined,
  ): [number, unknown] {
    switch (route) {
      case 'oauth-token':
        return oauthToken(headers, form);
      case 'jwt-token':
        return jwtToken(headers, body);
      case 'create': {
        if (!resourceAuthorized(headers)) return [401, unauthorized];
        if (body === null || typeof body !== 'object' || Array.isArray(body))
          return [400, { error: { message: 'Invalid body' }, status: 'failure' }];
        const incident: Incident = {
          sys_id: hex(16),
          number: `INC${String(++incidentNumber).padStart(7, '0')}`,
          fields: body as Record<string, unknown>,
          updates: [],
        };
        incidents.push(incident);
        return [201, { result: { ...incident.fields, sys_id: incident.sys_id, number: incident.number, state: '1' } }];
      }
      case 'update':
      case 'read': {
        if (!resourceAuthorized(headers)) return [401, unauthorized];
        const sysId = decodeURIComponent(path.slice(INCIDENT_PATH.length + 1));
        const incident = incidents.find((i) => i.sys_id === sysId);
        if (!incident)
          return [
            404,
            {
              error: {
                message: 'No Record found',
                detail: "Record doesn't exist or ACL restricts the record retrieval",
              },
              status: 'failure',
            },
          ];
        if (route === 'update') {
          if (body === null || typeof body !== 'object' || Array.isArray(body))
            return [400, { error: { message: 'Invalid body' }, status: 'failure' }];
          incident.updates.push(body as Record<string, unknown>);
        }
        const current = Object.assign({ state: '1' }, incident.fields, ...incident.updates);
        return [200, { result: { ...current, sys_id: incident.sys_id, number: incident.number } }];
      }
      default:
        return [404, { error: { message: `No route for ${method} ${path}` } }];
    }
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    const respond = async (): Promise<void> => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = (req.method ?? 'GET').toUpperCase();
      const route = routeOf(method, url.pathname, jwtPath());
      const { body, form } = parseBody(rawBody, req.headers['content-type'] ?? '');

      let status: number;
      let response: unknown;
      const extraHeaders: Record<string, string> = {};
      const failureAt = failures.findIndex((f) => matches(f.target, route));
      if (failureAt >= 0) {
        const [{ failure }] = failures.splice(failureAt, 1);
        status = failure.status;
        response = failure.echo
          ? {
              error: {
                message: 'Request rejected',
                request: { headers: credentialHeaders(req.headers), body: rawBody },
              },
              status: 'failure',
            }
          : (failure.body ?? { error: { message: `injected failure ${failure.status}` }, status: 'failure' });
        if (failure.retryAfter !== undefined) extraHeaders['retry-after'] = failure.retryAfter;
      } else {
        if (route === 'create' && options.createDelayMs) await new Promise((r) => setTimeout(r, options.createDelayMs));
        [status, response] = handle(route, method, url.pathname, req.headers, body, form);
      }
      requests.push({
        seq: ++seq,
        at: Date.now(),
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        route,
        headers: req.headers,
        rawBody,
        body,
        form,
        status,
        response,
      });
      const text = response === undefined ? '' : JSON.stringify(response);
      res.writeHead(status, { 'content-type': 'application/json', ...extraHeaders });
      res.end(text);
    };
    req.on('end', () => {
      respond().catch((err: unknown) => {
        // A fault of the mock itself: answered as a 500 naming it rather than left an unhandled rejection.
        const message = `mock ITSM failed: ${err instanceof Error ? err.message : String(err)}`;
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message }, status: 'failure' }));
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return [...requests];
    },
    calls: (target) => requests.filter((r) => matches(target, r.route)),
    get issued() {
      return [...issued];
    },
    get incidents() {
      return [...incidents];
    },
    failNext(target, n, failure) {
      for (let i = 0; i < n; i++) failures.push({ target, failure });
    },
    revokeTokens() {
      validAccess.clear();
      validJwt.clear();
    },
    configure(next) {
      options = { ...options, ...next };
      for (const t of next.oauth?.refreshTokens ?? []) validRefresh.add(t);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
