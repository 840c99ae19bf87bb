import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

import type { Response } from 'light-my-request';

import { QueueName } from '@sluice/queue';

import { apiUser, createCustomer, entity, event, heartbeat, metric, service, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';

/**
 * Spec §2: the checks table of the publish API, on every route, and what happens to the body on
 * the way in. Every refused request must leave the queues exactly as they were.
 */

type Make = (envcustomerid: string, overrides?: Record<string, unknown>) => Record<string, unknown>;

interface RouteCase {
  route: string;
  queue: QueueName;
  make: Make;
  /** A field of this record kind and a value it refuses. */
  bad: [string, unknown];
}

const ROUTES: RouteCase[] = [
  { route: 'allevents', queue: QueueName.Events, make: event, bad: ['severity', 'severe'] },
  { route: 'metrics', queue: QueueName.Metrics, make: metric, bad: ['value', 'high'] },
  { route: 'entity', queue: QueueName.EntityTopology, make: entity, bad: ['timestamp', 'yesterday'] },
  { route: 'service', queue: QueueName.ServiceTopology, make: service, bad: ['entities', 'app-7'] },
  { route: 'healthcheck', queue: QueueName.Healthcheck, make: heartbeat, bad: ['status', 'SLEEPING'] },
];

const PUBLISH_QUEUES = ROUTES.map((r) => r.queue);
const MiB = 1024 * 1024;
const nonEmpty = expect.stringMatching(/\S/);
const invalidPayload = {
  message: 'Invalid payload',
  errors: expect.arrayContaining([expect.objectContaining({ error: nonEmpty })]),
};

type Auth = Record<string, string>;

describe('publish API: checks, for every route (spec §2)', () => {
  let gw: TestGateway;
  /** Active, mapped to `user`. */
  let active: string;
  /** Active, mapped to nobody but `other`. */
  let unmapped: string;
  /** Inactive, mapped to `user`. */
  let inactive: string;
  /** Inactive, mapped to nobody. */
  let inactiveUnmapped: string;
  let user: Auth;
  let userToken: string;
  let uiUser: Auth;
  let superadmin: Auth;

  beforeAll(async () => {
    gw = await startGateway();
    active = (await createCustomer(gw.prisma)).id;
    unmapped = (await createCustomer(gw.prisma)).id;
    inactive = (await createCustomer(gw.prisma, { active: false })).id;
    inactiveUnmapped = (await createCustomer(gw.prisma, { active: false })).id;
    const api = await apiUser(gw, [active, inactive]);
    user = api.auth;
    userToken = api.accessToken;
    uiUser = (await apiUser(gw, [active], { type: 'UI' })).auth;
    superadmin = (await apiUser(gw, [], { isSuperadmin: true })).auth;
  });
  afterAll(() => gw.close());

  /** Job ids waiting in each publish queue. */
  async function queueState(): Promise<Record<string, string[]>> {
    const state: Record<string, string[]> = {};
    for (const q of PUBLISH_QUEUES) state[q] = (await gw.jobs(q)).map((j) => j.id!).sort();
    return state;
  }

  /** Runs `send` and checks that no publish queue gained or lost a job. */
  async function refused(send: () => Promise<Response>) {
    const before = await queueState();
    const res = await send();
    expect(await queueState()).toEqual(before);
    return res;
  }

  /** Runs `send` (expected to be accepted) and returns the one job it added, checking it went to `queue` only. */
  async function acceptedInto(queue: QueueName, send: () => Promise<Response>) {
    const before = await queueState();
    const res = await send();
    expect({ status: res.statusCode, body: res.json() }).toEqual({
      status: 200,
      body: {
        message: 'Data published successfully',
        count: expect.any(Number),
        requestId: expect.stringMatching(/\S/),
      },
    });
    const after = await queueState();
    for (const q of PUBLISH_QUEUES) {
      const added = after[q].filter((id) => !before[q].includes(id));
      expect({ queue: q, added }).toEqual({ queue: q, added: q === queue ? [res.json().requestId] : [] });
    }
    const job = (await gw.jobs(queue)).find((j) => j.id === res.json().requestId)!;
    expect(job).toBeDefined();
    return { res, body: res.json(), job };
  }

  describe.each(ROUTES)('POST /publish/$route', ({ route, queue, make, bad: [badField, badValue] }) => {
    const url = `/publish/${route}`;
    const post = (headers: Auth, payload: unknown, extra: Record<string, string> = {}) =>
      gw.inject({ method: 'POST', url, headers: { ...headers, ...extra }, payload: payload as string });

    describe('accepted (200)', () => {
      it('takes a single object: count 1, one job in its queue with the request id as job id', async () => {
        const record = make(active);
        const { body, job } = await acceptedInto(queue, () => post(user, record));
        expect(body).toEqual({ message: 'Data published successfully', count: 1, requestId: body.requestId });
        expect(job.id).toBe(body.requestId);
        expect(job.data.records).toEqual([record]);
      });

      it('takes a batch as one job, records in order, unknown extra fields kept', async () => {
        const records = [
          make(active, { x_vendor: 'acme-monitor', x_nested: { a: [1, 2, { b: null }] } }),
          make(active, { customfield1: 'kept' }),
          make(active),
        ];
        const { body, job } = await acceptedInto(queue, () => post(user, records));
        expect(body).toEqual({ message: 'Data published successfully', count: 3, requestId: body.requestId });
        expect(job.data.records).toEqual(records);
        expect(job.data.records[0].x_nested).toEqual({ a: [1, 2, { b: null }] });
      });

      it('answers with a fresh request id each time, also in the x-request-id header', async () => {
        const a = await acceptedInto(queue, () => post(user, make(active)));
        const b = await acceptedInto(queue, () => post(user, make(active)));
        expect(a.body.requestId).not.toBe(b.body.requestId);
        expect(a.res.headers['x-request-id']).toBe(a.body.requestId);
      });

      it('takes the access token from the access_token cookie too', async () => {
        const record = make(active);
        const { job } = await acceptedInto(queue, () =>
          gw.inject({ method: 'POST', url, cookies: { access_token: userToken }, payload: record }),
        );
        expect(job.data.records).toEqual([record]);
      });

      it('lets a superadmin publish for an active customer it is not mapped to', async () => {
        const record = make(unmapped);
        const { body, job } = await acceptedInto(queue, () => post(superadmin, record));
        expect(body.count).toBe(1);
        expect(job.data.records).toEqual([record]);
      });
    });

    describe('check 1: 401 without a valid token', () => {
      it('no token at all → 401 Missing access token', async () => {
        const res = await refused(() => post({}, make(active)));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 401,
          body: { message: 'Missing access token' },
        });
      });

      it('an empty Bearer → 401 Missing access token', async () => {
        const res = await refused(() => post({ authorization: 'Bearer ' }, make(active)));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 401,
          body: { message: 'Missing access token' },
        });
      });

      it.each([
        ['garbage', 'Bearer not-a-jwt'],
        ['a tampered signature', 'TAMPERED'],
        ['a tampered payload', 'TAMPERED_PAYLOAD'],
      ])('%s → 401 Invalid access token', async (_, header) => {
        let authorization = header;
        const [h, p, s] = userToken.split('.');
        if (header === 'TAMPERED')
          authorization = `Bearer ${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
        if (header === 'TAMPERED_PAYLOAD') {
          const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
          claims.sub = `${claims.sub}x`;
          authorization = `Bearer ${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
        }
        const res = await refused(() => post({ authorization }, make(active)));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 401,
          body: { message: 'Invalid access token' },
        });
      });

      it('a bad token in the cookie → 401 Invalid access token', async () => {
        const res = await refused(() =>
          gw.inject({ method: 'POST', url, cookies: { access_token: 'nope' }, payload: make(active) }),
        );
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 401,
          body: { message: 'Invalid access token' },
        });
      });
    });

    describe('check 2: 403 for a user who may not publish', () => {
      it('a UI user, even for its own customer → 403 Access denied', async () => {
        const res = await refused(() => post(uiUser, make(active)));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 403,
          body: { message: 'Access denied' },
        });
      });
    });

    describe('check 3: 400 Invalid payload for a body that is not a batch', () => {
      it('not JSON', async () => {
        const res = await refused(() => post(user, '{"envcustomerid": ', { 'content-type': 'application/json' }));
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual(invalidPayload);
      });

      it('an empty array', async () => {
        const res = await refused(() => post(user, []));
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({
          message: 'Invalid payload',
          errors: [{ index: 0, field: expect.any(String), error: nonEmpty }],
        });
      });

      it('1001 records, all valid', async () => {
        const records = Array.from({ length: 1001 }, () => make(active));
        const res = await refused(() => post(user, records));
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual(invalidPayload);
        expect(res.json<{ errors: unknown[] }>().errors.length).toBeGreaterThan(0);
      });
    });

    describe('check 4: 400 Invalid payload for a record that fails validation', () => {
      it(`names the index and field of the bad record in a batch (${badField})`, async () => {
        const records = [make(active), make(active, { [badField]: badValue })];
        const res = await refused(() => post(user, records));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 400,
          body: { message: 'Invalid payload', errors: [{ index: 1, field: badField, error: nonEmpty }] },
        });
      });

      it('uses index 0 for a single object', async () => {
        const res = await refused(() => post(user, make(active, { [badField]: badValue })));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 400,
          body: { message: 'Invalid payload', errors: [{ index: 0, field: badField, error: nonEmpty }] },
        });
      });
    });

    describe('check 5: 400 for an unknown or inactive customer', () => {
      it('an unknown customer → 400 Data has been sent for inactive customer', async () => {
        const res = await refused(() => post(user, make(uniqueId('ghost'))));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 400,
          body: { message: 'Data has been sent for inactive customer' },
        });
      });

      it('an inactive customer the user is mapped to → 400 inactive', async () => {
        const res = await refused(() => post(user, make(inactive)));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 400,
          body: { message: 'Data has been sent for inactive customer' },
        });
      });

      it('an inactive customer, for a superadmin too', async () => {
        const res = await refused(() => post(superadmin, make(inactive)));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 400,
          body: { message: 'Data has been sent for inactive customer' },
        });
      });

      it('one inactive customer in an otherwise good batch refuses the whole batch', async () => {
        const res = await refused(() => post(user, [make(active), make(active), make(inactive)]));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 400,
          body: { message: 'Data has been sent for inactive customer' },
        });
      });
    });

    describe('check 6: 401 for a customer the user is not mapped to', () => {
      it('an active customer of someone else → 401 User is not associated with the customer', async () => {
        const res = await refused(() => post(user, make(unmapped)));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 401,
          body: { message: 'User is not associated with the customer' },
        });
      });
    });

    describe('order of the checks', () => {
      it('bad token + garbage body → 401 Invalid access token', async () => {
        const res = await refused(() =>
          post({ authorization: 'Bearer garbage' }, '%%% not json', { 'content-type': 'application/json' }),
        );
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 401,
          body: { message: 'Invalid access token' },
        });
      });

      it('no token + garbage body → 401 Missing access token', async () => {
        const res = await refused(() => post({}, '%%% not json', { 'content-type': 'application/json' }));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 401,
          body: { message: 'Missing access token' },
        });
      });

      it('bad token + garbage gzip body → 401, not 400', async () => {
        const res = await refused(() =>
          post({ authorization: 'Bearer garbage' }, Buffer.from('not gzip at all'), {
            'content-encoding': 'gzip',
            'content-type': 'application/json',
          }),
        );
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 401,
          body: { message: 'Invalid access token' },
        });
      });

      it('UI user + garbage body → 403 Access denied', async () => {
        const res = await refused(() => post(uiUser, '%%% not json', { 'content-type': 'application/json' }));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 403,
          body: { message: 'Access denied' },
        });
      });

      it('UI user + invalid record of an unknown customer → 403 Access denied', async () => {
        const res = await refused(() => post(uiUser, make(uniqueId('ghost'), { [badField]: badValue })));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 403,
          body: { message: 'Access denied' },
        });
      });

      it('invalid record + inactive customer → 400 Invalid payload (validation first)', async () => {
        const res = await refused(() => post(user, make(inactive, { [badField]: badValue })));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 400,
          body: { message: 'Invalid payload', errors: [{ index: 0, field: badField, error: nonEmpty }] },
        });
      });

      it('invalid record + unmapped customer → 400 Invalid payload', async () => {
        const res = await refused(() => post(user, [make(unmapped), make(active, { [badField]: badValue })]));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 400,
          body: { message: 'Invalid payload', errors: [{ index: 1, field: badField, error: nonEmpty }] },
        });
      });

      it('inactive customer + unmapped → 400 inactive (customer before mapping)', async () => {
        const res = await refused(() => post(user, make(inactiveUnmapped)));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 400,
          body: { message: 'Data has been sent for inactive customer' },
        });
      });

      it('a batch of an unmapped active customer and an inactive one → 400 inactive', async () => {
        const res = await refused(() => post(user, [make(unmapped), make(inactive)]));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 400,
          body: { message: 'Data has been sent for inactive customer' },
        });
      });

      it('a batch mixing a mapped and an unmapped customer → 401, nothing queued', async () => {
        const res = await refused(() => post(user, [make(active), make(unmapped), make(active)]));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 401,
          body: { message: 'User is not associated with the customer' },
        });
      });
    });
  });

  describe('body handling (POST /publish/allevents)', () => {
    const url = '/publish/allevents';
    const post = (payload: Buffer | string, headers: Record<string, string> = {}) =>
      gw.inject({ method: 'POST', url, headers: { ...user, ...headers }, payload });
    const expectInvalidPayload = (res: Response) => {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual(invalidPayload);
    };

    it.each([
      ['gzip', gzipSync],
      ['x-gzip', gzipSync],
      ['GZIP', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ])('accepts a Content-Encoding: %s body and queues its records', async (encoding, compress) => {
      const records = [event(active), event(active, { extrafield: 'kept' })];
      const { body, job } = await acceptedInto(QueueName.Events, () =>
        post(compress(Buffer.from(JSON.stringify(records))), {
          'content-type': 'application/json',
          'content-encoding': encoding,
        }),
      );
      expect(body.count).toBe(2);
      expect(job.data.records).toEqual(records);
    });

    it('refuses invalid gzip bytes → 400 Invalid payload', async () => {
      const res = await refused(() =>
        post(Buffer.from(JSON.stringify(event(active))), {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        }),
      );
      expectInvalidPayload(res);
    });

    it('refuses a truncated gzip stream → 400 Invalid payload', async () => {
      const gz = gzipSync(Buffer.from(JSON.stringify(event(active))));
      const res = await refused(() =>
        post(gz.subarray(0, gz.length - 12), { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
      );
      expectInvalidPayload(res);
    });

    it.each(['compress', 'zstd', 'rot13'])(
      'refuses an unsupported Content-Encoding (%s) → 400 Invalid payload',
      async (encoding) => {
        const res = await refused(() =>
          post(JSON.stringify(event(active)), { 'content-type': 'application/json', 'content-encoding': encoding }),
        );
        expectInvalidPayload(res);
      },
    );

    it('a body over 5 MiB (6 MiB) → 413 Payload too large', async () => {
      const big = JSON.stringify([event(active, { description: 'x'.repeat(6 * MiB) })]);
      expect(big.length).toBeGreaterThan(6 * MiB);
      const res = await refused(() => post(big, { 'content-type': 'application/json' }));
      expect({ status: res.statusCode, body: res.json() }).toEqual({
        status: 413,
        body: { message: 'Payload too large' },
      });
    });

    it('a small gzip body that decodes to over 5 MiB → 413 Payload too large', async () => {
      const json = JSON.stringify(event(active, { description: ' '.repeat(6 * MiB) }));
      const gz = gzipSync(Buffer.from(json));
      expect(gz.length).toBeLessThan(100 * 1024);
      const res = await refused(() => post(gz, { 'content-type': 'application/json', 'content-encoding': 'gzip' }));
      expect({ status: res.statusCode, body: res.json() }).toEqual({
        status: 413,
        body: { message: 'Payload too large' },
      });
    });

    it('a gzip body of zeros inside a JSON string decoding to 6 MiB → 413', async () => {
      const json = `{"envcustomerid":"${active}","description":"${'0'.repeat(6 * MiB)}"}`;
      const res = await refused(() =>
        post(gzipSync(Buffer.from(json)), { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
      );
      expect({ status: res.statusCode, body: res.json() }).toEqual({
        status: 413,
        body: { message: 'Payload too large' },
      });
    });

    it('a body just under the limit is not refused as too large', async () => {
      const record = event(active, { x_padding: 'p'.repeat(4 * MiB) });
      const { job } = await acceptedInto(QueueName.Events, () =>
        post(JSON.stringify(record), { 'content-type': 'application/json' }),
      );
      expect(job.data.records[0].x_padding).toHaveLength(4 * MiB);
    });

    it('accepts JSON sent without a Content-Type', async () => {
      const record = event(active);
      const { job } = await acceptedInto(QueueName.Events, () => post(JSON.stringify(record)));
      expect(job.data.records).toEqual([record]);
    });

    it.each([
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/octet-stream',
      'application/json; charset=utf-8',
    ])('accepts JSON labelled %s', async (contentType) => {
      const record = event(active);
      const { job } = await acceptedInto(QueueName.Events, () =>
        post(JSON.stringify(record), { 'content-type': contentType }),
      );
      expect(job.data.records).toEqual([record]);
    });

    it('accepts a UTF-8 byte-order mark before the JSON', async () => {
      const record = event(active, { description: 'Überlast ✓' });
      const { job } = await acceptedInto(QueueName.Events, () =>
        post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(record))]), {
          'content-type': 'application/json',
        }),
      );
      expect(job.data.records).toEqual([record]);
    });

    it.each([
      ['a top-level "__proto__" key', (r: string) => r.replace('{', '{"__proto__": {"isSuperadmin": true}, ')],
      ['a nested "__proto__" key', (r: string) => r.replace('{', '{"x": {"__proto__": {"polluted": 1}}, ')],
      [
        '"constructor": {"prototype": ...}',
        (r: string) => r.replace('{', '{"constructor": {"prototype": {"polluted": 1}}, '),
      ],
    ])('refuses JSON with %s → 400 Invalid payload, not 500', async (_, poison) => {
      const text = poison(JSON.stringify(event(active)));
      const res = await refused(() => post(text, { 'content-type': 'application/json' }));
      expectInvalidPayload(res);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('does not let a "constructor" field skip validation', async () => {
      const res = await refused(() =>
        post(JSON.stringify({ envcustomerid: active, constructor: 'x' }), { 'content-type': 'application/json' }),
      );
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        message: 'Invalid payload',
        errors: expect.arrayContaining([
          { index: 0, field: 'ieventid', error: nonEmpty },
          { index: 0, field: 'severity', error: nonEmpty },
        ]),
      });
    });

    it.each([
      ['null', 'null'],
      ['a number', '42'],
      ['a string', '"hello"'],
      ['true', 'true'],
      ['an array of numbers', '[1, 2]'],
      ['an array of arrays', '[[]]'],
      ['an array with null', '[null]'],
    ])('refuses %s as the body → 400 Invalid payload', async (_, text) => {
      const res = await refused(() => post(text, { 'content-type': 'application/json' }));
      expectInvalidPayload(res);
    });

    it.each([
      ['an empty body with a JSON content type', '', { 'content-type': 'application/json' }],
      ['white space only', '  \n ', { 'content-type': 'application/json' }],
      ['an empty body without a content type', '', {}],
    ])('refuses %s → 400 Invalid payload', async (_, text, headers) => {
      const res = await refused(() => post(text, headers));
      expectInvalidPayload(res);
    });

    it('refuses JSON with trailing garbage → 400 Invalid payload', async () => {
      const res = await refused(() =>
        post(`${JSON.stringify(event(active))} trailing`, { 'content-type': 'application/json' }),
      );
      expectInvalidPayload(res);
    });
  });

  describe('GET /publish/healthcheck', () => {
    it.each(['/publish/healthcheck', '/publish/healthcheck/'])('%s → 200 API is running, without auth', async (url) => {
      const res = await gw.inject({ method: 'GET', url });
      expect({ status: res.statusCode, body: res.json() }).toEqual({
        status: 200,
        body: { message: 'API is running' },
      });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it('answers the same with a bad token (it does not look at auth)', async () => {
      const res = await gw.inject({
        method: 'GET',
        url: '/publish/healthcheck',
        headers: { authorization: 'Bearer garbage' },
      });
      expect({ status: res.statusCode, body: res.json() }).toEqual({
        status: 200,
        body: { message: 'API is running' },
      });
    });

    it('POST /publish/healthcheck/ (trailing slash) is still the authenticated publish route', async () => {
      const res = await refused(() =>
        gw.inject({ method: 'POST', url: '/publish/healthcheck/', payload: heartbeat(active) }),
      );
      expect({ status: res.statusCode, body: res.json() }).toEqual({
        status: 401,
        body: { message: 'Missing access token' },
      });
    });
  });
});
