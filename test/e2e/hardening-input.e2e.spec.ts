import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';

import type { Response } from 'light-my-request';

import { QueueName } from '@sluice/queue';

import { DRAIN_LIMIT } from '../../apps/gateway/src/http/body-reader';
import { apiUser, basic, createCustomer, createUser, event, login, PASSWORD } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import type { Json } from '../helpers/tenant';

const UNSTORABLE = 'must not contain NUL (\\u0000) or an unpaired UTF-16 surrogate';
const TOO_DEEP = 'arrays and objects nest deeper than 64 levels: at most 64 are allowed';
const invalid = (...errors: Json[]) => ({ message: 'Invalid payload', errors });
const result = (res: Response) => [res.statusCode, res.json()];

/** `{"a": {"a": ... 1 ...}}`, `levels` objects deep. */
const nestedObjects = (levels: number, leaf = '1') => '{"a":'.repeat(levels) + leaf + '}'.repeat(levels);
const nestedArrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

/**
 * The gateway's HTTP input layer under hostile input (issue 10): page parameters, NUL and
 * unpaired surrogates in URLs and bodies, deep JSON, huge error lists, bodies over BODY_LIMIT on
 * a real socket, and the security headers. Every refusal is the contract's 4xx, never a 5xx.
 */
describe('hardening: HTTP input', () => {
  let gw: TestGateway;
  let admin: Json;
  let customer: string;

  beforeAll(async () => {
    gw = await startGateway();
    customer = (await createCustomer(gw.prisma)).id;
    admin = (await apiUser(gw, [], { isSuperadmin: true })).auth;
  });
  afterAll(() => gw.close());

  const get = (url: string, headers: Json = admin) => gw.inject({ method: 'GET', url, headers });
  const postJson = (url: string, payload: string, method: 'POST' | 'PATCH' | 'PUT' = 'POST') =>
    gw.inject({ method, url, headers: { ...admin, 'content-type': 'application/json' }, payload });
  const queued = async () => (await gw.jobs(QueueName.Events)).length;

  describe('page parameters', () => {
    const lists = () => [
      '/api/v1/admin/users',
      '/api/v1/admin/customers',
      '/api/v1/admin/organizations',
      '/api/v1/admin/jobs/failed',
      '/api/v1/alerts',
      '/api/v1/events',
      '/api/v1/metrics',
      '/api/v1/adapters',
      `/api/v2/tenants/${customer}/integrations/installed`,
    ];

    it('pageNum=1e17 is a 400 naming pageNum on every paged list', async () => {
      for (const list of lists()) {
        const res = await get(`${list}?pageNum=1e17`);
        expect([list, ...result(res)]).toEqual([
          list,
          400,
          invalid({ field: 'pageNum', error: 'pageNum must not be greater than 1000000000' }),
        ]);
      }
    });

    it('the last allowed page with the largest pages is an empty page, not an error', async () => {
      for (const list of lists()) {
        const res = await get(`${list}?pageNum=1000000000&itemsPerPage=500`);
        expect([list, res.statusCode, res.json().results]).toEqual([list, 200, []]);
      }
    });

    it.each([
      ['0', 'pageNum must not be less than 1'],
      ['1.5', 'pageNum must be an integer number'],
      ['abc', 'pageNum must be an integer number'],
    ])('pageNum=%s is a 400 naming pageNum', async (value, error) => {
      const res = await get(`/api/v1/admin/users?pageNum=${value}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ field: 'pageNum', error: expect.stringContaining(error) }]);
    });
  });

  describe('NUL and unpaired surrogates in the URL', () => {
    it.each([
      ['PATCH', '/api/v1/admin/customers/a%00b', 'id'],
      ['PATCH', '/api/v1/admin/users/%00', 'id'],
      ['POST', '/gbpipush/%00', 'customerId'],
      ['GET', '/api/v1/alerts/%00', 'id'],
      ['PUT', '/api/v1/alerts/a%00/ticket', 'id'],
      ['GET', '/api/v2/tenants/%00/integrations/installed', 'tenantId'],
      ['GET', '/api/v2/tenants/CUSTOMER/integrations/installed/x%00y', 'installedIntgId'],
      ['DELETE', '/api/v2/tenants/CUSTOMER/integrations/installed/%00', 'installedIntgId'],
      ['POST', '/api/v1/admin/jobs/failed/%00/retry', 'id'],
    ])('%s %s → 400 naming the path parameter %s', async (method, url, field) => {
      const res = await gw.inject({
        method: method as 'GET',
        url: url.replace('CUSTOMER', customer),
        headers: admin,
        payload: method === 'GET' || method === 'DELETE' ? undefined : { name: 'x', sysid: 'x', state: 'x' },
      });
      expect(result(res)).toEqual([400, invalid({ field, error: `${field} ${UNSTORABLE}` })]);
    });

    it.each([
      ['/api/v1/alerts?entityid=%00', 'entityid'],
      ['/api/v1/alerts?entityid=a&entityid=%00', 'entityid'],
      ['/api/v1/events?entityid=%00', 'entityid'],
      ['/api/v1/metrics?parameterid=x%00', 'parameterid'],
      ['/api/v1/metrics/series?customerid=c&entityid=%00&parameterid=p', 'entityid'],
      ['/api/v1/topology/graph?customerid=%00', 'customerid'],
      ['/api/v1/admin/jobs/failed?queue=%00', 'queue'],
    ])('GET %s → 400 naming the query parameter', async (url, field) => {
      expect(result(await get(url))).toEqual([400, invalid({ field, error: `${field} ${UNSTORABLE}` })]);
    });

    it('a NUL in a query parameter name → 400 naming the query', async () => {
      expect(result(await get('/api/v1/alerts?%00=1'))).toEqual([
        400,
        invalid({ field: 'query', error: `a query parameter name ${UNSTORABLE}` }),
      ]);
    });

    it('the publish routes (plain Fastify routes) are covered too', async () => {
      const before = await queued();
      const res = await gw.inject({
        method: 'POST',
        url: '/publish/allevents?x=%00',
        headers: admin,
        payload: event(customer),
      });
      expect(result(res)).toEqual([400, invalid({ field: 'x', error: `x ${UNSTORABLE}` })]);
      expect(await queued()).toBe(before);
    });

    it('is refused before authentication, like any malformed URL: 400, not 401 or 500', async () => {
      const res = await gw.inject({ method: 'GET', url: '/api/v1/alerts?entityid=%00' });
      expect(result(res)).toEqual([400, invalid({ field: 'entityid', error: `entityid ${UNSTORABLE}` })]);
    });

    it.each(['/api/v1/admin/customers/%FF', '/api/v1/alerts/%ED%A0%80', '/gbpipush/%E0%A4%A'])(
      'a path that is not valid percent-encoded UTF-8 (%s, e.g. an encoded lone surrogate) → the contract 400',
      async (url) => {
        const res = await gw.inject({ method: url.startsWith('/gbpipush') ? 'POST' : 'GET', url, headers: admin });
        expect(result(res)).toEqual([
          400,
          invalid({ field: 'path', error: 'the URL path is not valid percent-encoded UTF-8' }),
        ]);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-request-id']).toEqual(expect.stringMatching(/\S/));
      },
    );

    it('a path parameter over 100 characters → the contract 400', async () => {
      const res = await get(`/api/v1/alerts/${'a'.repeat(101)}`);
      expect(result(res)).toEqual([
        400,
        invalid({ field: 'path', error: 'a path parameter is longer than 100 characters' }),
      ]);
    });

    it('an ordinary query with non-ASCII text still works', async () => {
      const res = await get(`/api/v1/alerts?entityid=${encodeURIComponent('Überlast ✓ 😀')}`);
      expect(result(res)).toEqual([200, { results: [], totalCount: 0 }]);
    });
  });

  describe('NUL and unpaired surrogates in bodies, on every route', () => {
    it.each([
      ['POST', '/api/v1/admin/organizations', '{"name": "a\\u0000b"}', 'name'],
      ['POST', '/api/v1/admin/customers', '{"id": "c1", "name": "x\\ud800"}', 'name'],
      ['PATCH', '/api/v1/admin/customers/CUSTOMER', '{"name": "\\udc00x"}', 'name'],
      ['POST', '/api/v1/user/token/refresh', '{"refresh_token": "\\u0000"}', 'refresh_token'],
      ['PUT', '/api/v1/alerts/00000000-0000-0000-0000-000000000000/ticket', '{"sysid": "a\\u0000"}', 'sysid'],
      [
        'POST',
        '/api/v2/tenants/CUSTOMER/integrations/installed',
        '{"integration": {"id": "\\u0000"}}',
        'integration.id',
      ],
    ])('%s %s with NUL or a lone surrogate → 400 naming the field', async (method, url, body, field) => {
      const res = await postJson(url.replace('CUSTOMER', customer), body, method as 'POST');
      expect(result(res)).toEqual([400, invalid({ index: 0, field, error: `${field} ${UNSTORABLE}` })]);
    });
  });

  describe('deeply nested JSON', () => {
    it('10,000 nested arrays on a JSON route → 400 saying the limit, not 500', async () => {
      const res = await postJson('/api/v1/admin/organizations', nestedArrays(10_000));
      expect(result(res)).toEqual([400, invalid({ index: 0, field: '[0]', error: TOO_DEEP })]);
    });

    it('10,000 nested objects in a field of a JSON route → 400 naming the field', async () => {
      const res = await postJson('/api/v1/admin/organizations', `{"name": "x", "extra": ${nestedObjects(10_000)}}`);
      expect(result(res)).toEqual([400, invalid({ index: 0, field: 'extra', error: TOO_DEEP })]);
    });

    it('deep JSON holding NUL or a __proto__ key is the same 400 (the scans are not recursive)', async () => {
      for (const leaf of ['"\\u0000"', '{"__proto__": {"polluted": 1}}']) {
        const res = await postJson(
          '/api/v1/admin/organizations',
          `{"name": "x", "extra": ${nestedObjects(10_000, leaf)}}`,
        );
        expect(result(res)).toEqual([400, invalid({ index: 0, field: 'extra', error: TOO_DEEP })]);
      }
      expect(({} as Json).polluted).toBeUndefined();
    });

    it('in an extra field of a publish record → 400 (not 503 "retry later"), nothing queued', async () => {
      const before = await queued();
      const record = JSON.stringify(event(customer)).replace('{', `{"x_deep": ${nestedObjects(10_000)}, `);
      const single = await postJson('/publish/allevents', record);
      expect(result(single)).toEqual([400, invalid({ index: 0, field: 'x_deep', error: TOO_DEEP })]);
      const batch = await postJson('/publish/allevents', `[${JSON.stringify(event(customer))}, ${record}]`);
      expect(result(batch)).toEqual([400, invalid({ index: 1, field: 'x_deep', error: TOO_DEEP })]);
      expect(await queued()).toBe(before);
    });

    it('64 levels are accepted and queued as sent; 65 are refused', async () => {
      // The record is level 1, so its field holds 63 more.
      const record = (levels: number) =>
        JSON.stringify(event(customer)).replace('{', `{"x_deep": ${nestedObjects(levels)}, `);
      const ok = await postJson('/publish/allevents', record(63));
      expect(ok.statusCode).toBe(200);
      const job = (await gw.jobs(QueueName.Events)).find((j) => j.id === ok.json().requestId)!;
      expect(job.data.records[0].x_deep).toEqual(JSON.parse(nestedObjects(63)));
      const tooDeep = await postJson('/publish/allevents', record(64));
      expect(result(tooDeep)).toEqual([400, invalid({ index: 0, field: 'x_deep', error: TOO_DEEP })]);
    });

    it('a prototype-poisoning key is named where it is', async () => {
      const res = await postJson(
        '/api/v1/admin/organizations',
        '{"name": "x", "extra": {"list": [{"__proto__": {"isSuperadmin": true}}]}}',
      );
      expect(result(res)).toEqual([
        400,
        invalid({ index: 0, field: 'extra.list[0].__proto__', error: 'field name __proto__ is not allowed' }),
      ]);
    });
  });

  describe('a DTO body that is not a JSON object', () => {
    it('is one 400 saying so, not an error per element', async () => {
      const cases: Array<[string, string]> = [
        [JSON.stringify(Array.from({ length: 1001 }, () => ({}))), 'an array'],
        ['"text"', 'a string'],
        ['42', 'a number'],
        ['null', 'null'],
      ];
      for (const [payload, got] of cases) {
        const res = await postJson('/api/v1/admin/organizations', payload);
        expect([payload.slice(0, 10), ...result(res)]).toEqual([
          payload.slice(0, 10),
          400,
          invalid({ field: '', error: `body must be a JSON object, not ${got}` }),
        ]);
      }
      expect(result(await postJson('/api/v1/admin/organizations', '{"name": "Org A"}'))[0]).toBe(201);
    });
  });

  describe('long error lists', () => {
    const capped = (total: number) => ({
      message: 'Invalid payload',
      errors: expect.any(Array),
      errorCount: total,
      note: `only the first 100 of ${total} errors are listed`,
    });

    it('100,000 bad entries (a 1 MB body) → a small 400: the first 100 errors and the count', async () => {
      const body = `{"name": "x", "extra": [${Array(100_000).fill('"\\u0000"').join(',')}]}`;
      expect(body.length).toBeGreaterThan(900_000);
      const res = await postJson('/api/v1/admin/organizations', body);
      expect(result(res)).toEqual([400, capped(100_000)]);
      const { errors } = res.json();
      expect(errors).toHaveLength(100);
      expect(errors[0]).toEqual({ index: 0, field: 'extra[0]', error: `extra[0] ${UNSTORABLE}` });
      expect(errors[99]).toEqual({ index: 0, field: 'extra[99]', error: `extra[99] ${UNSTORABLE}` });
      expect(res.body.length).toBeLessThan(20_000);
    });

    it('a publish batch of 1000 records with 5 bad fields each → the first 100 of 5000 errors', async () => {
      const before = await queued();
      const bad = { severity: 'severe', entity: 1, entityid: 2, ieventid: 3, firstoccurrence: 'yesterday' };
      const res = await postJson(
        '/publish/allevents',
        JSON.stringify(Array.from({ length: 1000 }, () => event(customer, bad))),
      );
      expect(result(res)).toEqual([400, capped(5000)]);
      const { errors } = res.json();
      expect(errors).toHaveLength(100);
      expect(errors.slice(0, 5).map((e: Json) => e.index)).toEqual([0, 0, 0, 0, 0]);
      expect(errors[99].index).toBe(19);
      expect(await queued()).toBe(before);
    });

    it('100 errors or fewer: the body is as before, without a count', async () => {
      const body = `{"name": "x", "extra": [${Array(100).fill('"\\u0000"').join(',')}]}`;
      const res = await postJson('/api/v1/admin/organizations', body);
      expect(res.statusCode).toBe(400);
      expect(Object.keys(res.json())).toEqual(['message', 'errors']);
      expect(res.json().errors).toHaveLength(100);
    });
  });

  describe('security headers', () => {
    it('every answer has X-Content-Type-Options: nosniff and a CSP; no HSTS outside production', async () => {
      const answers = await Promise.all([
        get('/publish/healthcheck', {}),
        get('/api/v1/alerts', {}),
        get('/api/v1/alerts'),
        get('/no/such/route'),
        postJson('/publish/allevents', '{'),
        gw.inject({ method: 'POST', url: '/publish/allevents', payload: '{}' }),
      ]);
      expect(answers.map((r) => r.statusCode)).toEqual([200, 401, 200, 404, 400, 401]);
      for (const res of answers) {
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['content-security-policy']).toContain("default-src 'self'");
        expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
        expect(res.headers['strict-transport-security']).toBeUndefined();
      }
    });

    it('token answers have Cache-Control: no-store, refused ones too; others do not', async () => {
      const user = await createUser(gw.prisma);
      const tokens = await login(gw, user.email);
      expect(tokens.response.headers['cache-control']).toBe('no-store');
      const refreshed = await gw.inject({
        method: 'POST',
        url: '/api/v1/user/token/refresh',
        payload: { refresh_token: tokens.refreshToken },
      });
      expect([refreshed.statusCode, refreshed.headers['cache-control']]).toEqual([200, 'no-store']);
      const wrong = await gw.inject({
        method: 'POST',
        url: '/api/v1/user/token',
        headers: { authorization: basic(user.email, `${PASSWORD}!`) },
      });
      expect([wrong.statusCode, wrong.headers['cache-control']]).toEqual([401, 'no-store']);
      expect((await get('/publish/healthcheck', {})).headers['cache-control']).toBeUndefined();
    });

    it('the Swagger UI at /docs still renders: its HTML and every asset it loads answer 200 under the CSP', async () => {
      const page = await get('/docs', {});
      expect([page.statusCode, page.headers['content-type']]).toEqual([200, expect.stringContaining('text/html')]);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toMatch(/style-src [^;]*'unsafe-inline'/);
      expect(csp).toMatch(/img-src [^;]*data:/);
      // script-src 'self' allows no inline script: every script of the page must be a file.
      const scripts = [...page.body.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const attrs of scripts) expect(attrs).toMatch(/src=/);
      const assets = [...page.body.matchAll(/(?:src|href)="\.\/(docs\/[^"]+)"/g)].map((m) => `/${m[1]}`);
      expect(assets).toEqual(
        expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui-init.js', '/docs/swagger-ui.css']),
      );
      for (const asset of assets) expect([asset, (await get(asset, {})).statusCode]).toEqual([asset, 200]);
      expect((await get('/docs-json', {})).statusCode).toBe(200);
    });

    it('HSTS in production', async () => {
      const prod = await startGateway({
        NODE_ENV: 'production',
        JWT_SECRET: randomBytes(32).toString('hex'),
        SECRETS_KEY: randomBytes(32).toString('base64'),
      });
      try {
        const res = await prod.inject({ method: 'GET', url: '/publish/healthcheck' });
        expect(res.headers['strict-transport-security']).toBe('max-age=15552000');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
      } finally {
        await prod.close();
      }
    });
  });
});

/** What a client that sends its whole body before reading the answer receives, over a real socket. */
async function sendWhole(
  port: number,
  head: string,
  body: Buffer,
  chunked: boolean,
): Promise<{ error?: string; response: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    let error: string | undefined;
    socket.on('data', (c: Buffer) => (response += c.toString()));
    socket.on('error', (e) => (error = e.message));
    socket.on('close', () => resolve({ error, response }));
    socket.write(`${head}${chunked ? 'transfer-encoding: chunked' : `content-length: ${body.length}`}\r\n\r\n`);
    const piece = 64 * 1024;
    let offset = 0;
    const write = (): void => {
      while (offset < body.length) {
        const chunk = body.subarray(offset, offset + piece);
        offset += piece;
        const framed = chunked
          ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
          : chunk;
        if (!socket.write(framed)) return void socket.once('drain', write);
      }
      if (chunked) socket.write('0\r\n\r\n');
    };
    write();
  });
}

describe('hardening: a body over BODY_LIMIT on a real socket', () => {
  const LIMIT = 64 * 1024;
  let gw: TestGateway;
  let port: number;
  let auth: string;

  beforeAll(async () => {
    gw = await startGateway({ BODY_LIMIT: String(LIMIT) });
    const customer = (await createCustomer(gw.prisma)).id;
    auth = (await apiUser(gw, [customer])).auth.authorization;
    await gw.app.listen(0, '127.0.0.1');
    port = (gw.app.getHttpServer().address() as net.AddressInfo).port;
  });
  afterAll(() => gw.close());

  it.each([
    ['/publish/allevents', false],
    ['/publish/allevents', true],
    ['/api/v1/admin/organizations', false],
    ['/api/v1/admin/organizations', true],
  ])('POST %s, 8 MiB (chunked: %s) → the client reads the 413, no reset', async (path, chunked) => {
    const head = `POST ${path} HTTP/1.1\r\nhost: localhost\r\nauthorization: ${auth}\r\ncontent-type: application/json\r\n`;
    const { error, response } = await sendWhole(port, head, Buffer.alloc(8 * 1024 * 1024, 'x'), chunked);
    expect(error).toBeUndefined();
    const [headers, body] = response.split('\r\n\r\n');
    expect(headers.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    expect(headers.toLowerCase()).toContain('connection: close');
    expect(headers.toLowerCase()).toContain('x-content-type-options: nosniff');
    expect(JSON.parse(body)).toEqual({ message: 'Payload too large' });
  });

  it('a Content-Length past what is drained is answered 413 at once, without reading the body', async () => {
    const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          port,
          method: 'POST',
          path: '/publish/allevents',
          headers: { authorization: auth, 'content-length': LIMIT + DRAIN_LIMIT + 1 },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode, body }));
        },
      );
      req.on('error', reject);
      req.flushHeaders();
    });
    expect([answer.status, JSON.parse(answer.body)]).toEqual([413, { message: 'Payload too large' }]);
  });

  it('a body within the limit still goes through over the socket', async () => {
    const customer = (await createCustomer(gw.prisma)).id;
    const { auth: own } = await apiUser(gw, [customer]);
    const body = Buffer.from(JSON.stringify(event(customer, { x_pad: 'p'.repeat(LIMIT - 1024) })));
    const head = `POST /publish/allevents HTTP/1.1\r\nhost: localhost\r\nauthorization: ${own.authorization}\r\ncontent-type: application/json\r\nconnection: close\r\n`;
    for (const chunked of [false, true]) {
      const { error, response } = await sendWhole(port, head, body, chunked);
      expect([error, response.split('\r\n')[0]]).toEqual([undefined, 'HTTP/1.1 200 OK']);
    }
  });
});
