import fc from 'fast-check';
import type { InjectOptions } from 'light-my-request';

import type { TestGateway } from '../helpers/gateway';
import type { HeaderVariant, RecordKind } from './arbitraries';
import {
  edgeTimestamp,
  encodeBody,
  hostileBodyText,
  hostileDateValue,
  hostileJson,
  hostileKey,
  hostilePageValue,
  hostileQueryValue,
  hostileSegment,
  oddHeaders,
  RECORD_KINDS,
  text,
  toJsonText,
  validBatch,
  validSeverity,
  validTimestamp,
} from './arbitraries';
import type { PrincipalName, World } from './world';

/*
 * Every route of the gateway, as its own OpenAPI document (/docs-json) describes it, and the
 * requests to send it: valid in every part but one, which is hostile. A route added to the
 * gateway is in the document, and so in the suite, without anyone listing it here.
 */

// OpenAPI schema objects, as JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Schema = Record<string, any>;

export interface RouteParam {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: Schema;
}

export interface Route {
  method: string;
  /** The OpenAPI path template, e.g. `/api/v1/admin/users/{id}`. */
  path: string;
  label: string;
  params: RouteParam[];
  body?: Schema;
  /** Names of the security schemes the route accepts. */
  security: string[];
  /** The methods the document declares for this path (this one included). */
  methods: string[];
}

export interface Catalog {
  routes: Route[];
  schemas: Record<string, Schema>;
}

/** Reads the routes from the OpenAPI document the gateway serves. */
export async function discoverRoutes(gw: TestGateway): Promise<Catalog> {
  const res = await gw.inject({ method: 'GET', url: '/docs-json' });
  if (res.statusCode !== 200) throw new Error(`GET /docs-json: ${res.statusCode}`);
  const doc = res.json();
  const routes: Route[] = [];
  for (const [path, item] of Object.entries<Schema>(doc.paths)) {
    for (const [method, op] of Object.entries<Schema>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = op.requestBody?.content ?? {};
      routes.push({
        method: method.toUpperCase(),
        path,
        label: `${method.toUpperCase()} ${path}`,
        params: [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: Schema) => ({
          name: p.name,
          in: p.in,
          required: Boolean(p.required),
          schema: p.schema ?? {},
        })),
        body: (content['application/json'] ?? Object.values(content)[0])?.schema,
        security: (op.security ?? []).flatMap((s: Schema) => Object.keys(s)),
        methods: Object.keys(item).map((m) => m.toUpperCase()),
      });
    }
  }
  return { routes, schemas: doc.components?.schemas ?? {} };
}

/**
 * The part of a request that is hostile; the others are valid. `url`: the method or the URL's
 * shape; `burst`: nothing, but the same valid request is sent BURST times at once.
 */
export type Slot = 'path' | 'query' | 'body' | 'headers' | 'url' | 'burst';

export const BURST = 8;

export function slotsOf(route: Route): Slot[] {
  const slots: Slot[] = [];
  if (route.params.some((p) => p.in === 'path')) slots.push('path');
  if (route.params.some((p) => p.in === 'query') || route.method === 'GET') slots.push('query');
  if (route.method !== 'GET') slots.push('body');
  slots.push('headers', 'url', 'burst');
  return slots;
}

/** One generated request. It prints shortened, so that a failure report can be read. */
export class FuzzRequest {
  constructor(
    readonly route: Route,
    readonly principal: PrincipalName,
    readonly options: InjectOptions & {
      method: InjectOptions['method'];
      url: string;
      headers: Record<string, string>;
      payload?: string | Buffer;
    },
  ) {}

  [fc.toStringMethod](): string {
    return this.describe();
  }

  /** method, URL, the headers that matter and the start of the body, long runs of a character shortened. */
  describe(max = 600): string {
    const { method, url, headers, payload } = this.options;
    const shown = Object.entries(headers)
      .filter(([k]) => k !== 'content-length')
      .map(([k, v]) => `${k}: ${abbreviate(redactToken(v), 120)}`);
    const body =
      payload === undefined
        ? ''
        : Buffer.isBuffer(payload)
          ? `<${payload.length} bytes: ${abbreviate(payload.toString('latin1'), max)}>`
          : abbreviate(payload, max);
    return `${method} ${abbreviate(url, 300)} as ${this.principal} [${shown.join('; ')}] ${body}`;
  }
}

const redactToken = (v: string) => v.replace(/(Bearer |access_token=|refresh_token=)[A-Za-z0-9._-]{40,}/g, '$1<token>');

/** Runs of a short pattern (ten or more) as `<p×n>`, then cut to `max`. */
export function abbreviate(s: string, max: number): string {
  const short = s.replace(
    /(.{1,8}?)\1{9,}/gsu,
    (run, p: string) => `<${JSON.stringify(p).slice(1, -1)}×${run.length / p.length}>`,
  );
  return short.length > max ? `${short.slice(0, max)}…(${s.length} chars)` : short;
}

// ---------------------------------------------------------------------------------------------
// Request arbitraries

interface Ctx {
  world: World;
  schemas: Record<string, Schema>;
}

const resolve = (schema: Schema, ctx: Ctx): Schema =>
  schema?.$ref ? (ctx.schemas[String(schema.$ref).replace('#/components/schemas/', '')] ?? {}) : (schema ?? {});

const PUBLISH_KIND = /^\/publish\/(allevents|metrics|entity|service|healthcheck)$/;

/** Requests for one slot of one route: every other part valid, so that the hostile part is what is tried. */
export function requestFor(
  route: Route,
  slot: Slot,
  world: World,
  schemas: Record<string, Schema>,
): fc.Arbitrary<FuzzRequest> {
  const ctx: Ctx = { world, schemas };
  const pathParams = route.params.filter((p) => p.in === 'path');
  const queryParams = route.params.filter((p) => p.in === 'query');
  const path = fc.tuple(
    ...pathParams.map((p) =>
      slot === 'path'
        ? fc.oneof(
            { weight: 1, arbitrary: validPathValue(route, p, world) },
            { weight: 3, arbitrary: hostileSegment() },
          )
        : validPathValue(route, p, world),
    ),
  );
  const query = slot === 'query' ? hostileQuery(queryParams, ctx) : validQuery(queryParams, ctx);
  // The body follows the path where a path parameter picks its variant (spec §9: the
  // INTEGRATION-TYPE picks the body's `type`), so that valid requests get past that check.
  const bodyFor = (values: string[]) => {
    const r = { ...route, body: variantOf(route, pathParams, values) };
    return route.method === 'GET' ? fc.constant(undefined) : slot === 'body' ? hostileBody(r, ctx) : validBody(r, ctx);
  };
  const pathAndBody = path.chain((values) => bodyFor(values).map((body) => ({ values, body })));
  const odd = slot === 'headers' ? oddHeaders().map((v): HeaderVariant | undefined => v) : fc.constant(undefined);
  const shape = slot === 'url' ? urlVariant(route) : fc.constant<UrlVariant>({ method: route.method, path: (p) => p });
  return fc
    .record({
      principal: principalFor(route),
      style: fc.constantFrom('bearer', 'cookie', 'integration', 'basic'),
      pathAndBody,
      query,
      odd,
      shape,
    })
    .map(
      ({
        principal,
        style,
        pathAndBody: { values, body: b },
        query: q,
        odd: variant,
        shape: { method, path: reshape },
      }) => {
        let url = route.path;
        pathParams.forEach((p, i) => (url = url.replace(`{${p.name}}`, values[i])));
        url = reshape(url);
        if (q.length > 0) url += `${url.includes('?') ? '&' : '?'}${q.join('&')}`;
        const headers = credentials(route, principal, style, world);
        let payload = b === undefined ? undefined : 'bytes' in b ? b.bytes : toJsonText(b.json);
        if (payload !== undefined) headers['content-type'] = 'application/json';
        if (variant) {
          Object.assign(headers, variant.headers);
          payload = encodeBody(variant, payload);
        }
        return new FuzzRequest(route, principal, { method: method as InjectOptions['method'], url, headers, payload });
      },
    );
}

/**
 * The body schema for these path values: where the body is a `oneOf` with a discriminator
 * mapping and a path value names one of its variants, that variant; else the route's body.
 */
function variantOf(route: Route, pathParams: RouteParam[], values: string[]): Schema | undefined {
  const mapping = route.body?.discriminator?.mapping as Record<string, string> | undefined;
  const ref =
    mapping && pathParams.map((_, i) => Object.hasOwn(mapping, values[i]) && mapping[values[i]]).find(Boolean);
  return ref ? { $ref: ref } : route.body;
}

interface UrlVariant {
  method: string;
  path: (path: string) => string;
  [fc.toStringMethod]?: () => string;
}

const variant = (method: string, label: string, path: (p: string) => string): UrlVariant => ({
  method,
  path,
  [fc.toStringMethod]: () => `${method} ${label}`,
});

/** A method the path does not declare, or the route's own method on a URL of an odd shape. */
function urlVariant(route: Route): fc.Arbitrary<UrlVariant> {
  const undeclared = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'].filter(
    (m) => !route.methods.includes(m),
  );
  const m = route.method;
  return fc.oneof(
    ...(undeclared.length > 0
      ? [fc.constantFrom(...undeclared).map((other) => variant(other, 'same path', (p) => p))]
      : []),
    fc.constantFrom(
      variant(m, 'trailing slash', (p) => `${p}/`),
      variant(m, 'doubled slashes', (p) => p.replace(/\//g, '//')),
      variant(m, 'upper case', (p) => p.toUpperCase()),
      variant(m, '/./ inserted', (p) => p.replace(/\/([^/]*)$/, '/./$1')),
      variant(m, '/x/.. inserted', (p) => p.replace(/\/([^/]*)$/, '/x/../$1')),
      variant(m, 'encoded slashes', (p) => `/${p.slice(1).replace(/\//g, '%2F')}`),
      variant(m, 'matrix parameter', (p) => `${p};jsessionid=1`),
      variant(m, 'extra segment', (p) => `${p}/extra`),
      variant(m, 'empty query', (p) => `${p}?`),
      variant(m, 'fragment', (p) => `${p}#frag`),
      variant(m, 'encoded path', (p) => p.replace(/[a-z]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)),
    ),
  );
}

/** Mostly the superadmin (who gets past every access check), and every other kind of caller. */
function principalFor(route: Route): fc.Arbitrary<PrincipalName> {
  if (route.security.length === 0) return fc.constant<PrincipalName>('none');
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant<PrincipalName>('superadmin') },
    { weight: 2, arbitrary: fc.constant<PrincipalName>('apiAdmin') },
    { weight: 1, arbitrary: fc.constantFrom<PrincipalName>('apiUser', 'uiUser', 'none') },
  );
}

/** The headers that authenticate `principal` the way the route accepts. */
function credentials(route: Route, principal: PrincipalName, style: string, world: World): Record<string, string> {
  if (principal === 'none') return {};
  const { email, accessToken } = world.principals[principal];
  const sec = route.security;
  if (sec.includes('basic') && !sec.includes('bearer')) {
    return { authorization: `Basic ${Buffer.from(`${email}:${world.password}`).toString('base64')}` };
  }
  if (sec.includes('refresh_token') && !sec.includes('bearer'))
    return { cookie: `refresh_token=${world.spareRefreshToken}` };
  if (style === 'integration' && route.params.some((p) => p.name === 'x-integration-token'))
    return { 'x-integration-token': world.integrationToken };
  if (style === 'basic' && sec.includes('basic'))
    return { authorization: `Basic ${Buffer.from(`${email}:${world.password}`).toString('base64')}` };
  if (style === 'cookie') return { cookie: `access_token=${accessToken}` };
  return { authorization: `Bearer ${accessToken}` };
}

function validPathValue(route: Route, param: RouteParam, world: World): fc.Arbitrary<string> {
  const p = route.path;
  if (param.name === 'tenantId' || param.name === 'customerId')
    return fc.constantFrom(world.customer, world.customer, world.inactiveCustomer, world.spareCustomer);
  if (param.name === 'installedIntgId')
    return fc.constantFrom(world.integrationId, world.integrationId, 'INTG-00000000-0000-4000-8000-000000000000');
  if (p.startsWith('/api/v1/admin/customers/')) return fc.constantFrom(world.spareCustomer);
  if (p.startsWith('/api/v1/admin/users/')) return fc.constantFrom(world.spareUserId);
  if (p.startsWith('/api/v1/alerts/')) return fc.constantFrom(world.alertId);
  // A parameter with a list of values (spec §9's INTEGRATION-TYPE): one of them, so that requests reach the handler.
  if (Array.isArray(param.schema.enum)) return fc.constantFrom(...param.schema.enum.map(String));
  return fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/));
}

// Query parameters ----------------------------------------------------------------------------

const PAGE_LIKE = new Set(['pageNum', 'itemsPerPage', 'step', 'minseverity']);
const DATE_LIKE = new Set(['from', 'to']);
const RECENT = Date.UTC(2024, 4, 1);

function validQueryValue(p: RouteParam, ctx: Ctx): fc.Arbitrary<string> {
  const s = p.schema;
  if (s.enum) return fc.constantFrom(...s.enum.map(String));
  if (p.name === 'customerid') return fc.constantFrom(ctx.world.customer, ctx.world.inactiveCustomer);
  if (DATE_LIKE.has(p.name)) {
    return fc.oneof(
      fc.integer({ min: -86_400_000 * 30, max: 86_400_000 * 30 }).map((d) => new Date(RECENT + d).toISOString()),
      validTimestamp(),
    );
  }
  if (PAGE_LIKE.has(p.name) || s.type === 'number' || s.type === 'integer' || s.minimum !== undefined) {
    return fc.integer({ min: s.minimum ?? 1, max: Math.min(s.maximum ?? 1000, 1000) }).map(String);
  }
  return fc.stringMatching(/^[A-Za-z0-9._-]{1,16}$/);
}

function hostileQueryValueFor(p: RouteParam): fc.Arbitrary<string> {
  if (PAGE_LIKE.has(p.name) || p.schema.type === 'number' || p.schema.minimum !== undefined)
    return fc.oneof({ weight: 3, arbitrary: hostilePageValue() }, { weight: 1, arbitrary: hostileQueryValue() });
  if (DATE_LIKE.has(p.name))
    return fc.oneof({ weight: 3, arbitrary: hostileDateValue() }, { weight: 1, arbitrary: hostileQueryValue() });
  return hostileQueryValue();
}

const pair = (name: string, value: string) => `${encodeURIComponent(name)}=${value}`;

/** Required parameters and some optional ones, valid (encoded for the URL). */
function validQuery(params: RouteParam[], ctx: Ctx): fc.Arbitrary<string[]> {
  return fc
    .tuple(
      ...params.map((p) =>
        p.required
          ? validQueryValue(p, ctx).map((v) => [v])
          : fc.option(
              validQueryValue(p, ctx).map((v) => [v]),
              { nil: [] as string[] },
            ),
      ),
    )
    .map((values) => params.flatMap((p, i) => values[i].map((v) => pair(p.name, encodeURIComponent(v)))));
}

/** Each parameter valid, absent, hostile or repeated; and sometimes one the route does not know. */
function hostileQuery(params: RouteParam[], ctx: Ctx): fc.Arbitrary<string[]> {
  const one = (p: RouteParam) =>
    fc.oneof(
      { weight: 2, arbitrary: validQueryValue(p, ctx).map((v) => [pair(p.name, encodeURIComponent(v))]) },
      { weight: 1, arbitrary: fc.constant<string[]>([]) },
      { weight: 4, arbitrary: hostileQueryValueFor(p).map((v) => [pair(p.name, v)]) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(validQueryValue(p, ctx), hostileQueryValueFor(p))
          .map(([a, b]) => [pair(p.name, encodeURIComponent(a)), pair(p.name, b)]),
      },
      {
        weight: 1,
        arbitrary: hostileQueryValueFor(p).map((v) => [
          `${encodeURIComponent(p.name)}[]=${v}`,
          `${encodeURIComponent(p.name)}[a]=${v}`,
        ]),
      },
    );
  const unknown = fc.oneof(
    { weight: 4, arbitrary: fc.constant<string[]>([]) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('__proto__', 'constructor', 'x', '%00', 'PAGENUM', 'pageNum%00', ''),
          hostileQueryValue(),
        )
        .map(([k, v]) => [`${k}=${v}`]),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(['&&&'], ['='], ['=x'], ['a'], [`${'p'.repeat(5_000)}=1`], Array(2_000).fill('a=1')),
    },
  );
  return fc.tuple(fc.tuple(...params.map(one)), unknown).map(([parts, extra]) => [...parts.flat(), ...extra]);
}

// Bodies ----------------------------------------------------------------------------------------

type Body = { json: unknown } | { bytes: string | Buffer } | undefined;

/** What a property's name says its valid values are (the DTOs' own rules are behind the names). */
function hint(name: string, ctx: Ctx): fc.Arbitrary<unknown> | undefined {
  const w = ctx.world;
  switch (name) {
    case 'envcustomerid':
      return fc.constantFrom(w.customer, w.customer, w.customer, w.inactiveCustomer, w.spareCustomer);
    case 'customers':
      return fc.subarray([w.customer, w.spareCustomer, w.inactiveCustomer]);
    case 'email':
      return fc.uuid().map((u) => `fz-${u}@example.com`);
    case 'password':
      return fc.constantFrom(w.password, 'another good password');
    case 'timestamp':
    case 'firstoccurrence':
    case 'lastoccurrence':
    case 'expiresAt':
      return validTimestamp();
    case 'severity':
      return validSeverity();
    case 'sysid':
      return fc.constantFrom(w.ticketSysid, w.ticketSysid, 'unknown-sysid');
    case 'refresh_token':
      return fc.constant(w.spareRefreshToken);
    case 'baseURI':
    case 'accessTokenURL':
    case 'accessTokenURI':
    case 'tokenURL':
      return fc.constant('http://127.0.0.1:9');
    case 'state':
      return fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constantFrom('Resolved', 'open', '2'));
    default:
      return undefined;
  }
}

const TIME_NAMES = new Set(['timestamp', 'firstoccurrence', 'lastoccurrence', 'expiresAt']);

/** A value of `schema`; with `hostile`, any part of it may be hostile, absent or joined by hostile keys. */
function fromSchema(schema: Schema, ctx: Ctx, hostile: boolean, name = ''): fc.Arbitrary<unknown> {
  const s = resolve(schema, ctx);
  const named = name ? hint(name, ctx) : undefined;
  if (named) return named;
  if (s.oneOf) return fc.oneof(...s.oneOf.map((b: Schema) => fromSchema(b, ctx, hostile, name)));
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.type === 'array') {
    return fc.array(fromSchema(s.items ?? {}, ctx, hostile), {
      minLength: Math.min(s.minItems ?? 0, 3),
      maxLength: Math.min(s.maxItems ?? 3, 3),
    });
  }
  if (s.type === 'object' || s.properties) return objectOf(s, ctx, hostile);
  if (s.type === 'string') {
    if (s.format === 'uuid') return fc.uuid();
    const example = s.example === undefined ? [] : [{ weight: 2, arbitrary: fc.constant(s.example) }];
    return fc.oneof(...example, { weight: 1, arbitrary: text(64, 20).filter((t) => t.length >= (s.minLength ?? 1)) });
  }
  if (s.type === 'number' || s.type === 'integer') return fc.integer({ min: s.minimum ?? 0, max: s.maximum ?? 1000 });
  if (s.type === 'boolean') return fc.boolean();
  return fc.jsonValue({ maxDepth: 2 });
}

function objectOf(s: Schema, ctx: Ctx, hostile: boolean): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries<Schema>(s.properties ?? {});
  const required = new Set<string>(s.required ?? []);
  const entry = ([key, sub]: [string, Schema]) => {
    const valid = fromSchema(sub, ctx, hostile, key).map((v) => ({ v }));
    const absent = fc.constant(undefined);
    if (!hostile) return required.has(key) ? valid : fc.option(valid, { nil: undefined });
    const bad = (TIME_NAMES.has(key) ? fc.oneof(edgeTimestamp(), hostileJson()) : hostileJson()).map((v) => ({ v }));
    return fc.oneof({ weight: 6, arbitrary: valid }, { weight: 2, arbitrary: bad }, { weight: 1, arbitrary: absent });
  };
  const additional = s.additionalProperties
    ? fc.dictionary(
        fc.string({ maxLength: 8 }),
        hostile ? hostileJson() : fromSchema(s.additionalProperties === true ? {} : s.additionalProperties, ctx, false),
        { maxKeys: 3 },
      )
    : fc.constant({});
  const extra = hostile
    ? fc.oneof(
        { weight: 4, arbitrary: fc.constant<[string, unknown][]>([]) },
        { weight: 1, arbitrary: fc.array(fc.tuple(hostileKey(), hostileJson()), { maxLength: 2 }) },
      )
    : fc.constant<[string, unknown][]>([]);
  return fc.tuple(fc.tuple(...props.map(entry)), additional, extra).map(([values, more, odd]) => {
    const out: Record<string, unknown> = { ...more };
    props.forEach(([key], i) => {
      if (values[i] !== undefined) out[key] = values[i].v;
    });
    // defineProperty: a plain assignment of `__proto__` would set the prototype, not a key.
    for (const [k, v] of odd)
      Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
    return out;
  });
}

function publishKind(route: Route): RecordKind | undefined {
  const m = PUBLISH_KIND.exec(route.path);
  return m && route.method === 'POST' && RECORD_KINDS.includes(m[1] as RecordKind) ? (m[1] as RecordKind) : undefined;
}

function validBody(route: Route, ctx: Ctx): fc.Arbitrary<Body> {
  const kind = publishKind(route);
  if (kind) return validBatch(kind, [ctx.world.customer], 10).map((json) => ({ json }));
  if (!route.body) return fc.constant(undefined);
  return fromSchema(route.body, ctx, false).map((json) => ({ json }));
}

/** A body of the route's schema with hostile parts, or one that is no such thing at all. */
function hostileBody(route: Route, ctx: Ctx): fc.Arbitrary<Body> {
  const schema = route.body ?? { type: 'object', properties: {} };
  return fc.oneof(
    { weight: 6, arbitrary: fromSchema(schema, ctx, true).map((json): Body => ({ json })) },
    { weight: 2, arbitrary: hostileBodyText().map((bytes): Body => ({ bytes })) },
    { weight: 1, arbitrary: hostileJson().map((json): Body => ({ json })) },
  );
}
