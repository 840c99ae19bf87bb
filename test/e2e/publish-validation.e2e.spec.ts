import type { Response } from 'light-my-request';

import { QueueName } from '@sluice/queue';

import { apiUser, createCustomer, entity, event, heartbeat, metric, service } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';

/**
 * Spec §2.1–2.5: record validation of each kind, through the HTTP API. A refused record is a 400
 * `Invalid payload` naming its index and field, and nothing of the request is queued.
 */

type Make = (envcustomerid: string, overrides?: Record<string, unknown>) => Record<string, unknown>;

interface Kind {
  kind: string;
  route: string;
  queue: QueueName;
  make: Make;
  required: string[];
  /** Fields holding an ISO-8601 date-time. */
  timestamps: string[];
  /** [field, a value of the wrong type or out of range, why]. */
  wrong: [string, unknown, string][];
  /** Optional fields with good values: accepted. */
  optional: Record<string, unknown>;
}

const KINDS: Kind[] = [
  {
    kind: 'event',
    route: 'allevents',
    queue: QueueName.Events,
    make: event,
    required: ['envcustomerid', 'ieventid', 'entity', 'entityid', 'parametername', 'severity', 'firstoccurrence'],
    timestamps: ['firstoccurrence', 'lastoccurrence'],
    wrong: [
      ['entityid', 4711, 'a number for a string'],
      ['entityid', '', 'an empty string'],
      ['ieventid', ['evt-1'], 'an array for a string'],
      ['entity', { name: 'web-01' }, 'an object for a string'],
      ['parametername', null, 'null for a required string'],
      ['severity', 'SLEEPING', 'an unknown severity'],
      ['description', 42, 'a number for an optional string'],
      ['splitby', true, 'a boolean for an optional string'],
      ['toolcustomername', '', 'an empty optional string'],
    ],
    optional: {
      toolcustomername: 'ACME Corp',
      parametertype: 'gauge',
      parameterid: 'cpu-total',
      messages: 'see runbook',
      lastoccurrence: '2024-05-01T12:05:00Z',
      splitby: '/var',
      source: 'nagios',
    },
  },
  {
    kind: 'metric',
    route: 'metrics',
    queue: QueueName.Metrics,
    make: metric,
    required: ['envcustomerid', 'entityid', 'parametername', 'value', 'timestamp'],
    timestamps: ['timestamp'],
    wrong: [
      ['value', '42.5', 'a string for value'],
      ['value', null, 'null for value'],
      ['value', [42], 'an array for value'],
      ['value', true, 'a boolean for value'],
      ['entityid', 4711, 'a number for entityid'],
      ['tags', ['core', '0'], 'an array for tags'],
      ['tags', { core: 0 }, 'a number inside tags'],
      ['tags', 'core=0', 'a string for tags'],
      ['unit', 5, 'a number for unit'],
    ],
    optional: {
      entity: 'web-01',
      parametercategory: 'cpu',
      parameterid: 'cpu0',
      unit: 'ms',
      tags: { core: '1', dc: 'fra' },
    },
  },
  {
    kind: 'entity',
    route: 'entity',
    queue: QueueName.EntityTopology,
    make: entity,
    required: ['envcustomerid', 'entityid', 'entity', 'entitytype', 'timestamp'],
    timestamps: ['timestamp'],
    wrong: [
      ['entityid', 7, 'a number for entityid'],
      ['relations', [{ relationtype: 'runs_on' }], 'a relation without targetentityid'],
      ['relations', [{ targetentityid: 'host-1' }], 'a relation without relationtype'],
      ['relations', [{ targetentityid: 42, relationtype: 'runs_on' }], 'a relation with a number as target'],
      ['relations', { targetentityid: 'host-1', relationtype: 'runs_on' }, 'an object for relations'],
      ['relations', ['host-1'], 'a string as a relation'],
      ['attributes', ['a'], 'an array for attributes'],
      ['attributes', 'os=linux', 'a string for attributes'],
      ['deleted', 'yes', "'yes' for deleted"],
      ['deleted', 1, '1 for deleted'],
    ],
    optional: {
      attributes: { os: 'linux', cores: 8, nested: { a: 1 } },
      relations: [
        { targetentityid: 'host-1', relationtype: 'runs_on' },
        { targetentityid: 'db-2', relationtype: 'depends_on' },
        { targetentityid: 'sw-3', relationtype: 'whatever_the_tool_calls_it' },
      ],
      deleted: false,
    },
  },
  {
    kind: 'service',
    route: 'service',
    queue: QueueName.ServiceTopology,
    make: service,
    required: ['envcustomerid', 'serviceid', 'service', 'entities', 'timestamp'],
    timestamps: ['timestamp'],
    wrong: [
      ['serviceid', 12, 'a number for serviceid'],
      ['entities', 'app-7', 'a string for entities'],
      ['entities', [1, 2], 'numbers inside entities'],
      ['entities', [''], 'an empty id inside entities'],
      ['dependson', 'svc-db', 'a string for dependson'],
      ['attributes', 5, 'a number for attributes'],
      ['deleted', 'yes', "'yes' for deleted"],
    ],
    optional: { servicetype: 'business', dependson: ['svc-db'], attributes: { owner: 'team-a' }, deleted: true },
  },
  {
    kind: 'heartbeat',
    route: 'healthcheck',
    queue: QueueName.Healthcheck,
    make: heartbeat,
    required: ['envcustomerid', 'adapterid', 'adaptername', 'status', 'timestamp'],
    timestamps: ['timestamp'],
    wrong: [
      ['status', 'SLEEPING', 'an unknown status'],
      ['status', 'up', 'a lower-case status'],
      ['status', 1, 'a number for status'],
      ['interval', 0, 'interval 0'],
      ['interval', -300, 'a negative interval'],
      ['interval', 2.5, 'a fractional interval'],
      ['interval', '300', 'a string for interval'],
      ['stats', { processed: '120' }, 'stats with a string value'],
      ['stats', [120, 2], 'an array for stats'],
      ['adapterid', 99, 'a number for adapterid'],
    ],
    optional: { adaptertype: 'logstash', interval: 60, message: 'all good', stats: { processed: 0, failed: 1.5 } },
  },
];

const nonEmpty = expect.stringMatching(/\S/);
const PUBLISH_QUEUES = KINDS.map((k) => k.queue);

describe('publish API: record validation (spec §2.1–2.5)', () => {
  let gw: TestGateway;
  let customer: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    gw = await startGateway();
    customer = (await createCustomer(gw.prisma)).id;
    auth = (await apiUser(gw, [customer])).auth;
  });
  afterAll(() => gw.close());

  async function queueSizes(): Promise<Record<string, number>> {
    const sizes: Record<string, number> = {};
    for (const q of PUBLISH_QUEUES) sizes[q] = (await gw.jobs(q)).length;
    return sizes;
  }

  const post = (route: string, payload: unknown) =>
    gw.inject({ method: 'POST', url: `/publish/${route}`, headers: auth, payload: payload as object });

  /** Sends a request that must be refused with Invalid payload; checks nothing was queued. */
  async function invalid(route: string, payload: unknown): Promise<{ index?: number; field: string; error: string }[]> {
    const before = await queueSizes();
    const res = await post(route, payload);
    expect({ status: res.statusCode, message: res.json().message }).toEqual({
      status: 400,
      message: 'Invalid payload',
    });
    expect(Object.keys(res.json()).sort()).toEqual(['errors', 'message']);
    expect(await queueSizes()).toEqual(before);
    return res.json().errors;
  }

  /** Sends a request that must be accepted; returns the records of the job it queued. */
  async function accepted(kind: Kind, payload: unknown, count = 1): Promise<Record<string, unknown>[]> {
    const res: Response = await post(kind.route, payload);
    expect({ status: res.statusCode, body: res.json() }).toEqual({
      status: 200,
      body: { message: 'Data published successfully', count, requestId: expect.any(String) },
    });
    const job = (await gw.jobs(kind.queue)).find((j) => j.id === res.json().requestId);
    expect(job).toBeDefined();
    return job!.data.records;
  }

  describe.each(KINDS)('$kind (POST /publish/$route)', (kind) => {
    const { route, make } = kind;

    it('accepts the fixture record as it is', async () => {
      const record = make(customer);
      expect(await accepted(kind, record)).toEqual([record]);
    });

    it('accepts the record with every optional field set, and queues it unchanged', async () => {
      const record = make(customer, kind.optional);
      expect(await accepted(kind, record)).toEqual([record]);
    });

    it('accepts the record with only the required fields', async () => {
      const full = make(customer);
      const minimal = Object.fromEntries(kind.required.map((f) => [f, full[f]]));
      expect(await accepted(kind, minimal)).toEqual([minimal]);
    });

    it.each(kind.required)('refuses the record without %s, naming the field', async (field) => {
      const record = make(customer);
      delete record[field];
      const errors = await invalid(route, record);
      expect(errors).toEqual([{ index: 0, field, error: nonEmpty }]);
    });

    it('lists every missing required field of an empty object', async () => {
      const errors = await invalid(route, {});
      expect(errors.map((e) => e.field).sort()).toEqual([...kind.required].sort());
      for (const e of errors) expect(e).toEqual({ index: 0, field: e.field, error: nonEmpty });
    });

    it.each(kind.wrong)('refuses %s = %j (%s)', async (field, value) => {
      const errors = await invalid(route, make(customer, { [field]: value }));
      expect(errors).toEqual([{ index: 0, field, error: nonEmpty }]);
    });

    describe.each(kind.timestamps)('%s', (field) => {
      it.each(['2024-05-01T12:00:00Z', '2024-05-01T12:00:00.123+02:00', '2024-05-01 12:00:00'])(
        'accepts %p',
        async (value) => {
          const record = make(customer, { [field]: value });
          const records = await accepted(kind, record);
          expect(records[0][field]).toBe(value);
        },
      );

      const refused: unknown[] = [
        '2024-02-30T00:00:00Z',
        'yesterday',
        1714564800,
        '2024-05-01',
        '',
        '2024-05-01T25:00:00Z',
      ];
      // null stands for "not sent" in an optional field; in a required one it is refused.
      if (kind.required.includes(field)) refused.push(null);
      it.each(refused)('refuses %p', async (value) => {
        const errors = await invalid(route, make(customer, { [field]: value }));
        expect(errors).toEqual([{ index: 0, field, error: nonEmpty }]);
      });
    });

    describe('envcustomerid', () => {
      it.each([
        ['longer than 64 characters', 'c'.repeat(65)],
        ['with a space', 'acme corp'],
        ['with a slash', 'acme/prod'],
        ['empty', ''],
        ['a number', 42],
      ])('refuses one %s → 400 Invalid payload (not the customer check)', async (_, value) => {
        const errors = await invalid(route, make(customer, { envcustomerid: value }));
        expect(errors).toEqual([{ index: 0, field: 'envcustomerid', error: nonEmpty }]);
      });

      it('takes 64 characters of the allowed set as a well-formed id (then: unknown customer)', async () => {
        const res = await post(route, make(`Ab0_.:-${'x'.repeat(57)}`));
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 400,
          body: { message: 'Data has been sent for inactive customer' },
        });
      });
    });

    it('a batch of 3 with records 0 and 2 bad: errors name 0 and 2, not 1; nothing queued', async () => {
      const [field, value] = kind.wrong[0];
      const missing = kind.required[kind.required.length - 1];
      const bad2 = make(customer);
      delete bad2[missing];
      const errors = await invalid(route, [make(customer, { [field]: value }), make(customer), bad2]);
      expect(errors).toEqual([
        { index: 0, field, error: nonEmpty },
        { index: 2, field: missing, error: nonEmpty },
      ]);
      expect(errors.filter((e) => e.index === 1)).toEqual([]);
    });

    it('lists every bad field of a record, not only the first', async () => {
      const [f1, v1] = kind.wrong[0];
      const ts = kind.timestamps[0];
      const errors = await invalid(route, make(customer, { [f1]: v1, [ts]: 'yesterday' }));
      expect(errors).toHaveLength(2);
      expect(errors).toEqual(
        expect.arrayContaining([
          { index: 0, field: f1, error: nonEmpty },
          { index: 0, field: ts, error: nonEmpty },
        ]),
      );
    });

    it('refuses a batch holding something other than an object, naming its index', async () => {
      const errors = await invalid(route, [make(customer), 'record', make(customer), 7]);
      expect(errors).toEqual([
        { index: 1, field: expect.any(String), error: nonEmpty },
        { index: 3, field: expect.any(String), error: nonEmpty },
      ]);
    });

    it('keeps unknown extra fields, of any type', async () => {
      const record = make(customer, {
        vendorfield: 'x',
        vendorcount: 3,
        vendorlist: [1, 'a'],
        vendormap: { a: { b: null } },
        vendornull: null,
      });
      expect(await accepted(kind, record)).toEqual([record]);
    });

    // PostgreSQL stores neither NUL in text nor an unpaired surrogate in jsonb: accepted, such a
    // record would fail in the worker for good and take every record of its batch with it.
    it('refuses NUL and unpaired surrogates (in a field, an extra field or a field name), naming each; nothing queued', async () => {
      const text = JSON.stringify([
        make(customer),
        make(customer, { [kind.required[1]]: 'a\u0000b' }),
        make(customer, { vendorfield: { deep: ['ok', 'x\ud800'] } }),
        make(customer, { 'bad\u0000key': 1 }),
      ]);
      const before = await queueSizes();
      const res = await gw.inject({
        method: 'POST',
        url: `/publish/${route}`,
        headers: { ...auth, 'content-type': 'application/json' },
        payload: text,
      });
      expect({ status: res.statusCode, body: res.json() }).toEqual({
        status: 400,
        body: {
          message: 'Invalid payload',
          errors: [
            { index: 1, field: kind.required[1], error: nonEmpty },
            { index: 2, field: 'vendorfield.deep[1]', error: nonEmpty },
            { index: 3, field: 'bad\u0000key', error: nonEmpty },
          ],
        },
      });
      expect(await queueSizes()).toEqual(before);
    });

    it('accepts a character sent as an escaped surrogate pair (an emoji)', async () => {
      const record = make(customer, { vendorfield: 'HERE' });
      const text = JSON.stringify(record).replace('HERE', 'ok \\ud83d\\ude00');
      expect(text).toContain('\\ud83d\\ude00');
      const res = await gw.inject({
        method: 'POST',
        url: `/publish/${route}`,
        headers: { ...auth, 'content-type': 'application/json' },
        payload: text,
      });
      expect(res.statusCode).toBe(200);
      const job = (await gw.jobs(kind.queue)).find((j) => j.id === res.json().requestId);
      expect(job?.data.records).toEqual([{ ...record, vendorfield: 'ok \u{1F600}' }]);
    });

    it('accepts 1000 records in one request: count 1000, one job with all of them', async () => {
      const records = Array.from({ length: 1000 }, (_, i) => make(customer, { seq: i }));
      const queued = await accepted(kind, records, 1000);
      expect(queued).toHaveLength(1000);
      expect(queued.map((r) => r.seq)).toEqual(records.map((r) => r.seq));
      expect(queued).toEqual(records);
    });
  });

  describe('event severity (spec §2.1)', () => {
    const events = KINDS[0];

    it.each([
      0,
      1,
      2,
      3,
      4,
      5,
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      'Critical',
      'MAJOR',
      'warning',
      'clear',
      'Minor',
      'INDETERMINATE',
    ])('accepts %p, queued as sent', async (severity) => {
      const records = await accepted(events, event(customer, { severity }));
      expect(records[0].severity).toBe(severity);
    });

    it.each([6, -1, 2.5, 'severe', null, '6', '', 'high', true, [5], { level: 5 }])('refuses %p', async (severity) => {
      const errors = await invalid('allevents', event(customer, { severity }));
      expect(errors).toEqual([{ index: 0, field: 'severity', error: nonEmpty }]);
    });
  });

  describe('metric value (spec §2.2)', () => {
    const metrics = KINDS[1];

    it.each([0, -273.15, 1e300, 42])('accepts the finite number %p', async (value) => {
      const records = await accepted(metrics, metric(customer, { value }));
      expect(records[0].value).toBe(value);
    });

    it('refuses a value that JSON parses to Infinity (1e400)', async () => {
      const before = await queueSizes();
      const text = JSON.stringify(metric(customer)).replace('"value":42.5', '"value":1e400');
      expect(text).toContain('1e400');
      const res = await gw.inject({
        method: 'POST',
        url: '/publish/metrics',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: text,
      });
      expect({ status: res.statusCode, body: res.json() }).toEqual({
        status: 400,
        body: { message: 'Invalid payload', errors: [{ index: 0, field: 'value', error: nonEmpty }] },
      });
      expect(await queueSizes()).toEqual(before);
    });
  });

  describe('heartbeat status and interval (spec §2.5)', () => {
    const heartbeats = KINDS[4];

    it.each(['UP', 'DOWN', 'DEGRADED'])('accepts status %p', async (status) => {
      const records = await accepted(heartbeats, heartbeat(customer, { status }));
      expect(records[0].status).toBe(status);
    });

    it.each([1, 300, 86_400])('accepts interval %p', async (interval) => {
      const records = await accepted(heartbeats, heartbeat(customer, { interval }));
      expect(records[0].interval).toBe(interval);
    });
  });

  it('a customer id of every allowed character class is accepted end to end', async () => {
    const id = `Cust_1.a:b-${Date.now().toString(36)}`;
    await createCustomer(gw.prisma, { id });
    const { auth: own } = await apiUser(gw, [id]);
    const record = event(id);
    const res = await gw.inject({ method: 'POST', url: '/publish/allevents', headers: own, payload: record });
    expect({ status: res.statusCode, body: res.json() }).toEqual({
      status: 200,
      body: { message: 'Data published successfully', count: 1, requestId: expect.any(String) },
    });
    const job = (await gw.jobs(QueueName.Events)).find((j) => j.id === res.json().requestId);
    expect(job?.data.records).toEqual([record]);
  });
});
