import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import type { RedisProcess } from '../helpers/redis-process';
import { startRedisProcess } from '../helpers/redis-process';

/** Health endpoints for orchestrators, and the OpenAPI documentation (spec: "OpenAPI at /docs"). */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('health endpoints', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('GET /health/live is 200 without authentication', async () => {
    const res = await gw.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('GET /health/ready is 200 with postgres and redis up', async () => {
    const res = await gw.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toMatchObject({ status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' } } });
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
  });
});

describe('readiness while the gateway’s Redis is down', () => {
  let redis: RedisProcess;
  let gw: TestGateway;

  beforeAll(async () => {
    redis = await startRedisProcess();
    gw = await startGateway({ REDIS_URL: redis.url });
  }, 30_000);
  afterAll(async () => {
    await gw?.close().catch(() => undefined);
    await redis?.kill();
  });

  it('/health/ready turns 503 when Redis dies (live stays 200), and 200 again once it is back', async () => {
    expect((await gw.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);

    await redis.kill();
    const started = Date.now();
    const down = await gw.inject({ method: 'GET', url: '/health/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual(expect.objectContaining({ message: expect.any(String) }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(down.headers['x-request-id']).toEqual(expect.any(String));
    expect((await gw.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);

    await redis.start();
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await gw.inject({ method: 'GET', url: '/health/ready' })).statusCode;
      if (status === 200) break;
      await sleep(200);
    }
    expect(status).toBe(200);
  });
});

describe('OpenAPI documentation', () => {
  let gw: TestGateway;
  let doc: {
    openapi: string;
    paths: Record<
      string,
      Record<string, { security?: Record<string, string[]>[]; responses?: Record<string, unknown> }>
    >;
    components: { securitySchemes: Record<string, Record<string, string>> };
  };
  beforeAll(async () => {
    gw = await startGateway();
    const res = await gw.inject({ method: 'GET', url: '/docs-json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(() => gw.close());

  it('GET /docs is 200 HTML (Swagger UI), without authentication', async () => {
    const res = await gw.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html/i);
    expect(res.body).toMatch(/swagger/i);
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('GET /docs-json is an OpenAPI 3 document', async () => {
    const res = await gw.inject({ method: 'GET', url: '/docs-json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
  });

  it.each([
    ['/publish/allevents', 'post'],
    ['/publish/metrics', 'post'],
    ['/publish/entity', 'post'],
    ['/publish/service', 'post'],
    ['/publish/healthcheck', 'post'],
    ['/publish/healthcheck', 'get'],
    ['/api/v1/user/token', 'post'],
    ['/api/v1/user/token/refresh', 'post'],
    ['/api/v1/user/logout', 'post'],
    ['/api/v1/admin/organizations', 'post'],
    ['/api/v1/admin/customers', 'post'],
    ['/api/v1/admin/customers', 'get'],
    ['/api/v1/admin/customers/{id}', 'patch'],
    ['/api/v1/admin/users', 'post'],
    ['/api/v1/admin/users', 'get'],
    ['/api/v1/admin/users/{id}', 'patch'],
    ['/health/live', 'get'],
    ['/health/ready', 'get'],
    ['/api/public/v1.0/groups/{customerId}/integrations', 'get'],
    ['/api/public/v1.0/groups/{customerId}/integrations/{integrationType}', 'get'],
    ['/api/public/v1.0/groups/{customerId}/integrations/{integrationType}', 'post'],
    ['/api/public/v1.0/groups/{customerId}/integrations/{integrationType}', 'put'],
    ['/api/public/v1.0/groups/{customerId}/integrations/{integrationType}', 'delete'],
    ['/api/public/v1.0/groups/{customerId}/integrations/{integrationType}/deliveries', 'get'],
  ])('documents %s (%s)', (path, method) => {
    expect(doc.paths[path]).toBeDefined();
    expect(doc.paths[path][method]).toBeDefined();
  });

  it.each(['allevents', 'metrics', 'entity', 'service', 'healthcheck'])(
    'documents the answers of POST /publish/%s, including 429 and 503',
    (route) => {
      const responses = Object.keys(doc.paths[`/publish/${route}`].post.responses ?? {});
      expect(responses).toEqual(expect.arrayContaining(['200', '400', '401', '403', '413', '429', '503']));
    },
  );

  it("documents spec §9's integration types as an enum, seed 002's query parameters, and one body schema per type", () => {
    const op = doc.paths['/api/public/v1.0/groups/{customerId}/integrations/{integrationType}'].put as unknown as {
      parameters: { name: string; in: string; schema: { enum?: string[] } }[];
      requestBody: { content: Record<string, { schema: { oneOf: { $ref: string }[] } }> };
    };
    const type = op.parameters.find((p) => p.name === 'integrationType');
    expect(type).toMatchObject({ in: 'path' });
    expect(type!.schema.enum).toEqual([
      'PAGER_DUTY',
      'SLACK',
      'DATADOG',
      'NEW_RELIC',
      'OPS_GENIE',
      'VICTOR_OPS',
      'WEBHOOK',
      'HIP_CHAT',
      'FLOWDOCK',
    ]);
    expect(op.parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(
      expect.arrayContaining(['pageNum', 'itemsPerPage', 'pretty', 'envelope']),
    );
    const bodies = op.requestBody.content['application/json'].schema.oneOf.map((b) => b.$ref);
    expect(bodies).toHaveLength(9);
    expect(bodies).toContain('#/components/schemas/PagerDutyIntegrationDto');
  });

  it('components.securitySchemes has basic, bearer and a cookie scheme named access_token', () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes.basic).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.access_token).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'access_token' });
  });

  it('every security requirement of every operation names a defined scheme', () => {
    const defined = new Set(Object.keys(doc.components.securitySchemes));
    const dangling: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const requirement of operation.security ?? []) {
          for (const name of Object.keys(requirement))
            if (!defined.has(name)) dangling.push(`${method.toUpperCase()} ${path}: ${name}`);
        }
      }
    }
    expect(dangling).toEqual([]);
  });

  it('the token route is documented with Basic, the publish, read and ingest routes with API keys too, the admin routes without', () => {
    const names = (path: string, method: string) =>
      (doc.paths[path][method].security ?? []).flatMap((r) => Object.keys(r)).sort();
    expect(names('/api/v1/user/token', 'post')).toEqual(['basic']);
    expect(names('/publish/allevents', 'post')).toEqual(['access_token', 'apiKey', 'bearer']);
    expect(names('/api/v1/alerts', 'get')).toEqual(['access_token', 'apiKey', 'bearer']);
    expect(names('/ingest/alertmanager/{customerId}', 'post')).toEqual(['apiKey', 'basic', 'bearer']);
    // Keys administer nothing: the admin routes do not list them.
    expect(names('/api/v1/admin/users', 'post')).toEqual(['access_token', 'bearer']);
  });
});
