import { randomBytes } from 'node:crypto';

import type { Response } from 'light-my-request';

import { SecretBox } from '@sluice/common';
import type { SluiceConfig } from '@sluice/config';
import { SLUICE_CONFIG } from '@sluice/config';

import { apiUser, createCustomer, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { StdoutCapture } from '../helpers/stdout-capture';
import type { Json } from '../helpers/tenant';

/**
 * Spec §9 (seed 002's typed third-party integrations, seed 004's write-only credentials): the
 * configuration API of a customer's notification channels — list, get, POST, PUT (create or
 * change what it carries), DELETE, the deliveries list; `pageNum`, `itemsPerPage`, `pretty`,
 * `envelope`; every type's required fields; secrets sealed at rest, answered as `****` + last
 * four, kept by a PUT that leaves them out or sends the redaction back, and never in any answer
 * or log line (the gateway runs at LOG_LEVEL=debug with its stdout captured); superadmins and the
 * customer's admins only.
 */

const logs = new StdoutCapture();

/** Every secret this file hands to the gateway: never whole in an answer or a log line. */
const secrets: string[] = [];
const secret = (label: string) => {
  const value = `${label}-${randomBytes(12).toString('hex')}`;
  secrets.push(value);
  return value;
};
/** Every answer of the channels API in this file. */
const answers: string[] = [];

const TYPES = [
  'PAGER_DUTY',
  'SLACK',
  'DATADOG',
  'NEW_RELIC',
  'OPS_GENIE',
  'VICTOR_OPS',
  'WEBHOOK',
  'HIP_CHAT',
  'FLOWDOCK',
] as const;
type ChannelType = (typeof TYPES)[number];

/** Spec §9's required fields of each type (seed 002's for HIP_CHAT and FLOWDOCK). */
const REQUIRED: Record<ChannelType, string[]> = {
  PAGER_DUTY: ['serviceKey'],
  SLACK: ['apiToken', 'teamName'],
  DATADOG: ['apiKey', 'region'],
  NEW_RELIC: ['licenseKey', 'accountId', 'writeToken', 'readToken'],
  OPS_GENIE: ['apiKey', 'region'],
  VICTOR_OPS: ['apiKey'],
  WEBHOOK: ['url'],
  HIP_CHAT: ['notificationToken', 'roomName'],
  FLOWDOCK: ['flowName', 'apiToken', 'orgName'],
};

/** A complete configuration of each type, with fresh secrets. */
function config(type: ChannelType): Json {
  switch (type) {
    case 'PAGER_DUTY':
      return { type, serviceKey: secret('pd') };
    case 'SLACK':
      return { type, apiToken: secret('xoxb'), teamName: 'acme', channelName: '#ops' };
    case 'DATADOG':
      return { type, apiKey: secret('dd'), region: 'EU' };
    case 'NEW_RELIC':
      return {
        type,
        licenseKey: secret('nr-license'),
        accountId: '1234567',
        writeToken: secret('nr-insert'),
        readToken: secret('nr-query'),
      };
    case 'OPS_GENIE':
      return { type, apiKey: secret('og'), region: 'US' };
    case 'VICTOR_OPS':
      return { type, apiKey: secret('vo'), routingKey: secret('vo-route') };
    case 'WEBHOOK':
      return { type, url: 'https://hooks.example.com/sluice', secret: secret('whsec') };
    case 'HIP_CHAT':
      return { type, notificationToken: secret('hc'), roomName: 'ops' };
    case 'FLOWDOCK':
      return { type, flowName: 'ops-flow', apiToken: secret('fd'), orgName: 'acme' };
  }
}

const SECRET_FIELDS = new Set([
  'serviceKey',
  'apiToken',
  'apiKey',
  'licenseKey',
  'writeToken',
  'readToken',
  'routingKey',
  'secret',
  'notificationToken',
]);
const redacted = (s: string) => `****${s.slice(-4)}`;

/** The view GET answers for a configuration as sent: secrets redacted, the defaults added. */
function viewOf(body: Json): Json {
  const view: Json = {};
  for (const [k, v] of Object.entries(body)) view[k] = SECRET_FIELDS.has(k) ? redacted(v as string) : v;
  if (['PAGER_DUTY', 'NEW_RELIC'].includes(body.type as string)) view.region ??= 'US';
  return { minSeverity: 4, enabled: true, ...view };
}

describe('notification channels: configuration (spec §9)', () => {
  let gw: TestGateway;
  let superadmin: Record<string, string>;
  let box: SecretBox;

  beforeAll(async () => {
    logs.start(); // before the apps build their loggers
    gw = await startGateway({ LOG_LEVEL: 'debug', LOG_REQUESTS: 'true' });
    superadmin = (await apiUser(gw, [], { isSuperadmin: true })).auth;
    box = new SecretBox(gw.app.get<SluiceConfig>(SLUICE_CONFIG).secretsKey);
  });
  afterAll(async () => {
    await gw?.close();
    logs.stop();
  });

  const base = (customer: string) => `/api/public/v1.0/groups/${customer}/integrations`;
  async function send(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    headers = superadmin,
  ): Promise<Response> {
    const res = await gw.inject({ method, url, headers, ...(payload !== undefined && { payload: payload as object }) });
    answers.push(res.body);
    return res;
  }
  const post = (customer: string, type: string, body: unknown, headers = superadmin) =>
    send('POST', `${base(customer)}/${type}`, body, headers);
  const put = (customer: string, type: string, body: unknown, headers = superadmin) =>
    send('PUT', `${base(customer)}/${type}`, body, headers);
  const getOne = (customer: string, type: string, headers = superadmin) =>
    send('GET', `${base(customer)}/${type}`, undefined, headers);
  const list = (customer: string, query = '', headers = superadmin) =>
    send('GET', `${base(customer)}${query}`, undefined, headers);
  const remove = (customer: string, type: string, headers = superadmin) =>
    send('DELETE', `${base(customer)}/${type}`, undefined, headers);
  const deliveries = (customer: string, type: string, query = '', headers = superadmin) =>
    send('GET', `${base(customer)}/${type}/deliveries${query}`, undefined, headers);
  const customer = async () => (await createCustomer(gw.prisma)).id;
  const row = (customerId: string, type: ChannelType) =>
    gw.prisma.channelIntegration.findUnique({ where: { customerId_type: { customerId, type } } });
  const opened = async (customerId: string, type: ChannelType): Promise<Json> =>
    JSON.parse(box.open((await row(customerId, type))!.secrets));

  const expect400Naming = (res: Response, field: string, error?: string | RegExp) => {
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.message).toBe('Invalid payload');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field, ...(error !== undefined && { error: expect.stringMatching(error) }) }),
      ]),
    );
  };
  const expectNoSecretIn = (res: Response) => {
    for (const s of secrets) expect(res.body).not.toContain(s);
  };

  describe('every type', () => {
    it.each(TYPES)('%s: POST adds it (201, every integration of the customer), GET answers its view', async (type) => {
      const c = await customer();
      const body = config(type);
      const created = await post(c, type, body);
      expect(created.statusCode).toBe(201);
      expect(created.json()).toEqual({
        links: [{ href: `http://localhost:80${base(c)}/${type}?pageNum=1&itemsPerPage=100`, rel: 'self' }],
        results: [viewOf(body)],
        totalCount: 1,
      });
      const one = await getOne(c, type);
      expect(one.statusCode).toBe(200);
      expect(one.json()).toEqual(viewOf(body));
      expectNoSecretIn(created);
      expectNoSecretIn(one);

      // At rest: the secrets only in the sealed column, the rest in clear.
      const stored = await row(c, type);
      const secretFields = Object.entries(body).filter(([k]) => SECRET_FIELDS.has(k));
      expect(await opened(c, type)).toEqual(Object.fromEntries(secretFields));
      for (const [, s] of secretFields) expect(JSON.stringify(stored)).not.toContain(s);
      expect(stored!.secrets).toMatch(/^v1\./);
    });

    it.each(TYPES)(
      '%s: each required field left out is a 400 naming it, on POST and on a creating PUT',
      async (type) => {
        const c = await customer();
        for (const field of REQUIRED[type]) {
          const { [field]: _left, ...body } = config(type);
          for (const res of [await post(c, type, body), await put(c, type, body)]) {
            expect400Naming(res, field, new RegExp(`${field} is required for ${type}`));
            expectNoSecretIn(res);
          }
        }
        expect(await row(c, type)).toBeNull();
      },
    );

    it('the optional fields may be left out: PAGER_DUTY region (US), SLACK channelName (""), VICTOR_OPS routingKey, WEBHOOK secret', async () => {
      const c = await customer();
      const pd = { type: 'PAGER_DUTY', serviceKey: secret('pd') };
      const slack = { type: 'SLACK', apiToken: secret('xoxb'), teamName: 'acme' };
      const vo = { type: 'VICTOR_OPS', apiKey: secret('vo') };
      const hook = { type: 'WEBHOOK', url: 'http://127.0.0.1:9000/hook' };
      for (const body of [pd, slack, vo, hook]) expect((await post(c, body.type, body)).statusCode).toBe(201);
      expect((await getOne(c, 'PAGER_DUTY')).json()).toMatchObject({ region: 'US' });
      expect((await getOne(c, 'SLACK')).json()).toEqual({ ...viewOf(slack), channelName: '' });
      expect((await getOne(c, 'VICTOR_OPS')).json()).toEqual(viewOf(vo));
      expect((await getOne(c, 'WEBHOOK')).json()).toEqual(viewOf(hook));
      expect((await list(c)).json().totalCount).toBe(4);
    });

    it('minSeverity (0..5) and enabled are taken and answered', async () => {
      const c = await customer();
      const body = { ...config('SLACK'), minSeverity: 2, enabled: false };
      expect((await post(c, 'SLACK', body)).statusCode).toBe(201);
      expect((await getOne(c, 'SLACK')).json()).toMatchObject({ minSeverity: 2, enabled: false });
      expect(await row(c, 'SLACK')).toMatchObject({ minSeverity: 2, enabled: false, region: 'US' });
      expect400Naming(await put(c, 'SLACK', { type: 'SLACK', minSeverity: 6 }), 'minSeverity');
      expect400Naming(await put(c, 'SLACK', { type: 'SLACK', minSeverity: 1.5 }), 'minSeverity');
      expect400Naming(await put(c, 'SLACK', { type: 'SLACK', enabled: 'yes' }), 'enabled');
    });
  });

  describe('validation', () => {
    it("the body's type must equal the path's: left out or another is a 400 naming type", async () => {
      const c = await customer();
      const { type: _t, ...untyped } = config('PAGER_DUTY');
      expect400Naming(await post(c, 'PAGER_DUTY', untyped), 'type', /type is required/);
      expect400Naming(await put(c, 'PAGER_DUTY', config('SLACK')), 'type', /type must be PAGER_DUTY/);
      expect400Naming(await post(c, 'SLACK', { ...config('SLACK'), type: 'slack' }), 'type');
      expect(await gw.prisma.channelIntegration.count({ where: { customerId: c } })).toBe(0);
    });

    it('an unknown integration type in the path is a 400 naming the accepted ones, on every route', async () => {
      const c = await customer();
      for (const res of [
        await getOne(c, 'HIPCHAT'),
        await post(c, 'pager_duty', config('PAGER_DUTY')),
        await put(c, 'MICROSOFT_TEAMS', { type: 'MICROSOFT_TEAMS' }),
        await remove(c, 'X'),
        await deliveries(c, 'X'),
      ]) {
        expect400Naming(res, 'integrationType', /one of PAGER_DUTY, SLACK, DATADOG, .*FLOWDOCK/);
      }
    });

    it('a field of another type, a value of the wrong kind, null for a needed field, a bad region or url: 400 naming it', async () => {
      const c = await customer();
      expect400Naming(await post(c, 'PAGER_DUTY', { ...config('PAGER_DUTY'), apiToken: 'x' }), 'apiToken');
      expect400Naming(await post(c, 'PAGER_DUTY', { type: 'PAGER_DUTY', serviceKey: 42 }), 'serviceKey');
      expect400Naming(await post(c, 'PAGER_DUTY', { type: 'PAGER_DUTY', serviceKey: '' }), 'serviceKey');
      expect400Naming(
        await post(c, 'PAGER_DUTY', { type: 'PAGER_DUTY', serviceKey: null }),
        'serviceKey',
        /must not be null/,
      );
      expect400Naming(await post(c, 'DATADOG', { ...config('DATADOG'), region: 'ASIA' }), 'region', /US or EU/);
      expect400Naming(await post(c, 'SLACK', { ...config('SLACK'), region: 'EU' }), 'region');
      expect400Naming(await post(c, 'WEBHOOK', { type: 'WEBHOOK', url: 'ftp://example.com/x' }), 'url');
      expect400Naming(await post(c, 'WEBHOOK', { type: 'WEBHOOK', url: 'not a url' }), 'url');
      for (const bad of [[], 'text', 42]) {
        const res = await send('POST', `${base(c)}/WEBHOOK`, JSON.stringify(bad), {
          ...superadmin,
          'content-type': 'application/json',
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().message).toBe('Invalid payload');
      }
      expect(await gw.prisma.channelIntegration.count({ where: { customerId: c } })).toBe(0);
    });

    it('a 400 does not echo the secrets it was given', async () => {
      const c = await customer();
      const res = await post(c, 'NEW_RELIC', { ...config('NEW_RELIC'), accountId: undefined, extra: secret('x') });
      expect(res.statusCode).toBe(400);
      expectNoSecretIn(res);
    });
  });

  describe('POST, PUT and DELETE', () => {
    it('POST when the customer has one of the type: 409, and the stored one stays', async () => {
      const c = await customer();
      const first = config('PAGER_DUTY');
      expect((await post(c, 'PAGER_DUTY', first)).statusCode).toBe(201);
      const before = await row(c, 'PAGER_DUTY');
      const again = await post(c, 'PAGER_DUTY', config('PAGER_DUTY'));
      expect(again.statusCode).toBe(409);
      expect(again.json()).toEqual({ message: 'This customer already has a PAGER_DUTY integration: PUT changes it' });
      expectNoSecretIn(again);
      expect(await row(c, 'PAGER_DUTY')).toEqual(before);
    });

    it('PUT adds the integration when there is none: 200 with every integration', async () => {
      const c = await customer();
      await post(c, 'SLACK', config('SLACK'));
      const body = config('FLOWDOCK');
      const res = await put(c, 'FLOWDOCK', body);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        links: [{ href: expect.stringMatching(/\/integrations\/FLOWDOCK\?pageNum=1&itemsPerPage=100$/), rel: 'self' }],
        results: [{ type: 'SLACK' }, viewOf(body)],
        totalCount: 2,
      });
      expectNoSecretIn(res);
    });

    it('PUT changes only the fields it carries; a secret left out keeps its stored ciphertext', async () => {
      const c = await customer();
      const body = config('SLACK');
      await post(c, 'SLACK', body);
      const sealed = (await row(c, 'SLACK'))!.secrets;

      const res = await put(c, 'SLACK', { type: 'SLACK', teamName: 'new-team', minSeverity: 3 });
      expect(res.statusCode).toBe(200);
      expect(res.json().results).toEqual([{ ...viewOf(body), teamName: 'new-team', minSeverity: 3 }]);
      const after = await row(c, 'SLACK');
      expect(after!.secrets).toBe(sealed);
      expect(after!.settings).toEqual({ teamName: 'new-team', channelName: '#ops' });
      expect(await opened(c, 'SLACK')).toEqual({ apiToken: body.apiToken });

      // null clears an optional field.
      expect((await put(c, 'SLACK', { type: 'SLACK', channelName: null })).json().results[0].channelName).toBe('');
      expect((await row(c, 'SLACK'))!.secrets).toBe(sealed);
    });

    it("PUT with the GET's body sent back (secrets redacted) changes nothing; a stale redaction is a 400", async () => {
      const c = await customer();
      const body = config('NEW_RELIC');
      await post(c, 'NEW_RELIC', body);
      const before = await row(c, 'NEW_RELIC');
      const view = (await getOne(c, 'NEW_RELIC')).json();

      const back = await put(c, 'NEW_RELIC', view);
      expect(back.statusCode).toBe(200);
      expect(back.json().results).toEqual([view]);
      const after = await row(c, 'NEW_RELIC');
      expect(after!.secrets).toBe(before!.secrets);
      expect(await opened(c, 'NEW_RELIC')).toEqual({
        licenseKey: body.licenseKey,
        writeToken: body.writeToken,
        readToken: body.readToken,
      });

      // One secret changed, the others sent back redacted: only that one changes.
      let readToken = secret('nr-query-2');
      while (redacted(readToken) === redacted(body.readToken as string)) readToken = secret('nr-query-2');
      expect((await put(c, 'NEW_RELIC', { ...view, readToken, accountId: '7654321' })).statusCode).toBe(200);
      expect(await opened(c, 'NEW_RELIC')).toEqual({
        licenseKey: body.licenseKey,
        writeToken: body.writeToken,
        readToken,
      });
      expect((await getOne(c, 'NEW_RELIC')).json()).toEqual({
        ...view,
        readToken: redacted(readToken),
        accountId: '7654321',
      });

      // The old redaction of readToken is not the stored one's any more: refused, nothing changes.
      const sealed = (await row(c, 'NEW_RELIC'))!.secrets;
      expect400Naming(await put(c, 'NEW_RELIC', view), 'readToken', /redacted/);
      expect400Naming(await put(c, 'NEW_RELIC', { type: 'NEW_RELIC', licenseKey: '****' }), 'licenseKey');
      expect((await row(c, 'NEW_RELIC'))!.secrets).toBe(sealed);
    });

    it('a secret of fewer than 12 characters is answered as **** alone; sending **** back keeps it', async () => {
      const c = await customer();
      expect((await post(c, 'PAGER_DUTY', { type: 'PAGER_DUTY', serviceKey: '112233' })).statusCode).toBe(201);
      const view = (await getOne(c, 'PAGER_DUTY')).json();
      expect(view.serviceKey).toBe('****');
      expect((await put(c, 'PAGER_DUTY', view)).statusCode).toBe(200);
      expect(await opened(c, 'PAGER_DUTY')).toEqual({ serviceKey: '112233' });
    });

    it('concurrent first PUTs of one type: all answered 200, one integration', async () => {
      const c = await customer();
      const answersAtOnce = await Promise.all(Array.from({ length: 6 }, () => put(c, 'WEBHOOK', config('WEBHOOK'))));
      expect(answersAtOnce.map((r) => r.statusCode)).toEqual(Array(6).fill(200));
      expect(await gw.prisma.channelIntegration.count({ where: { customerId: c } })).toBe(1);
    });

    it('DELETE removes it: 200 with the integrations left, then 404 on GET, DELETE and deliveries', async () => {
      const c = await customer();
      await post(c, 'PAGER_DUTY', config('PAGER_DUTY'));
      await post(c, 'WEBHOOK', config('WEBHOOK'));
      const res = await remove(c, 'PAGER_DUTY');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ results: [{ type: 'WEBHOOK' }], totalCount: 1 });
      expect(await row(c, 'PAGER_DUTY')).toBeNull();
      for (const gone of [
        await getOne(c, 'PAGER_DUTY'),
        await remove(c, 'PAGER_DUTY'),
        await deliveries(c, 'PAGER_DUTY'),
      ]) {
        expect(gone.statusCode).toBe(404);
        expect(gone.json()).toEqual({ message: 'No PAGER_DUTY integration for this customer' });
      }
    });

    it('GET of a type the customer does not have: 404; an empty list is 200 with totalCount 0', async () => {
      const c = await customer();
      expect((await getOne(c, 'DATADOG')).statusCode).toBe(404);
      expect((await list(c)).json()).toEqual({
        links: [{ href: `http://localhost:80${base(c)}?pageNum=1&itemsPerPage=100`, rel: 'self' }],
        results: [],
        totalCount: 0,
      });
    });
  });

  describe('pageNum, itemsPerPage, pretty, envelope', () => {
    let c: string;
    beforeAll(async () => {
      c = await customer();
      for (const type of ['PAGER_DUTY', 'SLACK', 'WEBHOOK'] as const) await post(c, type, config(type));
    });

    it('pages the list in the order the integrations were added, with previous and next links', async () => {
      const first = (await list(c, '?itemsPerPage=2')).json();
      expect(first.results.map((r: Json) => r.type)).toEqual(['PAGER_DUTY', 'SLACK']);
      expect(first.totalCount).toBe(3);
      expect(first.links).toEqual([
        { href: expect.stringMatching(/\/integrations\?pageNum=1&itemsPerPage=2$/), rel: 'self' },
        { href: expect.stringMatching(/\/integrations\?pageNum=2&itemsPerPage=2$/), rel: 'next' },
      ]);
      const second = (await list(c, '?pageNum=2&itemsPerPage=2')).json();
      expect(second.results.map((r: Json) => r.type)).toEqual(['WEBHOOK']);
      expect(second.links.map((l: Json) => l.rel)).toEqual(['self', 'previous']);
      expect((await list(c, '?pageNum=9')).json()).toMatchObject({ results: [], totalCount: 3 });
      // A PUT's answer is paged the same way.
      const paged = await send('PUT', `${base(c)}/SLACK?itemsPerPage=1&pageNum=3`, { type: 'SLACK', teamName: 't' });
      expect(paged.json()).toMatchObject({ results: [{ type: 'WEBHOOK' }], totalCount: 3 });
    });

    it('refuses bad paging and flags with a 400 naming the parameter', async () => {
      for (const [query, field] of [
        ['?pageNum=0', 'pageNum'],
        ['?itemsPerPage=501', 'itemsPerPage'],
        ['?pretty=yes', 'pretty'],
        ['?envelope=1', 'envelope'],
        ['?other=1', 'other'],
      ]) {
        expect400Naming(await list(c, query), field);
      }
    });

    it('pretty=true indents the JSON', async () => {
      const res = await list(c, '?pretty=true');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toContain('\n  "links": [\n');
      expect(res.json()).toEqual((await list(c)).json());
      const one = await send('GET', `${base(c)}/SLACK?pretty=true`);
      expect(one.body).toContain('\n  "type": "SLACK"');
      // Errors too.
      const missing = await send('GET', `${base(c)}/DATADOG?pretty=true`);
      expect(missing.statusCode).toBe(404);
      expect(missing.body).toBe('{\n  "message": "No DATADOG integration for this customer"\n}');
    });

    it('envelope=true puts the status in the body: lists gain status, one integration is {status, content}, errors gain status', async () => {
      const plain = (await list(c)).json();
      const listed = await list(c, '?envelope=true');
      expect(listed.statusCode).toBe(200);
      expect(listed.json()).toEqual({ status: 200, ...plain });

      const one = await send('GET', `${base(c)}/SLACK?envelope=true`);
      expect(one.json()).toEqual({ status: 200, content: (await getOne(c, 'SLACK')).json() });

      const created = await send('POST', `${base(c)}/DATADOG?envelope=true&pretty=true`, config('DATADOG'));
      expect(created.statusCode).toBe(201);
      expect(created.body).toMatch(/^\{\n {2}"status": 201,\n {2}"links"/);
      expect(created.json().totalCount).toBe(4);

      const missing = await send('GET', `${base(c)}/OPS_GENIE?envelope=true`);
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ status: 404, message: 'No OPS_GENIE integration for this customer' });
      const invalid = await send('PUT', `${base(c)}/OPS_GENIE?envelope=true`, { type: 'OPS_GENIE' });
      expect(invalid.json()).toMatchObject({ status: 400, message: 'Invalid payload' });
      const denied = await send('GET', `${base(c)}?envelope=true`, undefined, {});
      expect(denied.json()).toEqual({ status: 401, message: 'Missing access token' });
      await remove(c, 'DATADOG');
    });
  });

  describe('deliveries', () => {
    it('lists the recent deliveries of the integration, newest first, paged; another type’s are not there', async () => {
      const c = await customer();
      await post(c, 'PAGER_DUTY', config('PAGER_DUTY'));
      await post(c, 'WEBHOOK', config('WEBHOOK'));
      const pd = (await row(c, 'PAGER_DUTY'))!;
      const hook = (await row(c, 'WEBHOOK'))!;
      // As the worker writes them (the gateway only reads deliveries).
      const add = (integrationId: string, data: Json) =>
        gw.prisma.channelDelivery.create({ data: { customerId: c, integrationId, ...data } as never });
      const alert = await gw.prisma.alert.create({
        data: {
          envcustomerid: c,
          entityid: 'host-1',
          entity: 'web-01',
          parameterid: 'cpu',
          parametername: 'cpu',
          severity: 5,
          state: 'OPEN',
          count: 1,
          firstoccurrence: new Date(),
          lastoccurrence: new Date(),
        },
      });
      await add(pd.id, {
        alertId: alert.id,
        change: 'OPEN',
        status: 'DELIVERED',
        responseCode: 202,
        idempotencyKey: alert.id,
      });
      await add(pd.id, {
        alertId: alert.id,
        change: 'ACKNOWLEDGE',
        attempt: 3,
        status: 'FAILED',
        responseCode: 400,
        // A receiver that echoed the key: answered without it.
        error: `Invalid routing key ${(JSON.parse(box.open(pd.secrets)) as Json).serviceKey as string}`,
        idempotencyKey: alert.id,
      });
      await add(pd.id, { change: 'TEST', status: 'PENDING', idempotencyKey: 'test-1' });
      await add(hook.id, { change: 'TEST', status: 'DELIVERED', responseCode: 200, idempotencyKey: 'msg_1' });

      const res = await deliveries(c, 'PAGER_DUTY');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.totalCount).toBe(3);
      expect(body.links).toEqual([
        {
          href: expect.stringMatching(/\/integrations\/PAGER_DUTY\/deliveries\?pageNum=1&itemsPerPage=100$/),
          rel: 'self',
        },
      ]);
      expect(body.results).toEqual([
        {
          id: expect.stringMatching(/^\d+$/),
          alertId: null,
          change: 'TEST',
          attempt: 1,
          status: 'PENDING',
          responseCode: null,
          error: null,
          idempotencyKey: 'test-1',
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
        expect.objectContaining({
          alertId: alert.id,
          change: 'ACKNOWLEDGE',
          attempt: 3,
          status: 'FAILED',
          responseCode: 400,
          error: 'Invalid routing key ****',
        }),
        expect.objectContaining({ alertId: alert.id, change: 'OPEN', status: 'DELIVERED', responseCode: 202 }),
      ]);
      expectNoSecretIn(res);

      const page2 = (await deliveries(c, 'PAGER_DUTY', '?itemsPerPage=2&pageNum=2')).json();
      expect(page2.results.map((d: Json) => d.change)).toEqual(['OPEN']);
      expect((await deliveries(c, 'WEBHOOK')).json()).toMatchObject({
        results: [{ idempotencyKey: 'msg_1' }],
        totalCount: 1,
      });
    });
  });

  describe('access (superadmins and the customer’s admins, as in §4)', () => {
    let a: string;
    let b: string;
    beforeAll(async () => {
      a = await customer();
      b = await customer();
      await post(a, 'PAGER_DUTY', config('PAGER_DUTY'));
    });

    /** Every route of §9 on customer `a`, as `headers`. */
    const everyRoute = (headers: Record<string, string>) => [
      () => list(a, '', headers),
      () => getOne(a, 'PAGER_DUTY', headers),
      () => post(a, 'SLACK', config('SLACK'), headers),
      () => put(a, 'PAGER_DUTY', { type: 'PAGER_DUTY', enabled: false }, headers),
      () => deliveries(a, 'PAGER_DUTY', '', headers),
      () => remove(a, 'PAGER_DUTY', headers),
    ];

    const forbidden: [string, () => Promise<Record<string, string>>][] = [
      ['an API admin of another customer', async () => (await apiUser(gw, [b], { isAdmin: true })).auth],
      ['a non-admin API user of the customer', async () => (await apiUser(gw, [a])).auth],
      ['a UI admin of the customer', async () => (await apiUser(gw, [a], { type: 'UI', isAdmin: true })).auth],
      ['a UI-type superadmin', async () => (await apiUser(gw, [], { type: 'UI', isSuperadmin: true })).auth],
    ];
    it.each(forbidden)('%s gets 403 Access denied on every route, and changes nothing', async (_, who) => {
      const headers = await who();
      const before = await gw.prisma.channelIntegration.findMany({ where: { customerId: a } });
      for (const call of everyRoute(headers)) {
        const res = await call();
        expect(res.statusCode).toBe(403);
        expect(res.json()).toEqual({ message: 'Access denied' });
      }
      expect(await gw.prisma.channelIntegration.findMany({ where: { customerId: a } })).toEqual(before);
    });

    it('without an access token: 401 on every route', async () => {
      for (const call of everyRoute({})) {
        const res = await call();
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual({ message: 'Missing access token' });
      }
    });

    it("an API admin of the customer may use every route; the customer's list never shows another's", async () => {
      const c = await customer();
      const { auth } = await apiUser(gw, [c], { isAdmin: true });
      expect((await post(c, 'SLACK', config('SLACK'), auth)).statusCode).toBe(201);
      expect((await list(c, '', auth)).json()).toMatchObject({ results: [{ type: 'SLACK' }], totalCount: 1 });
      expect((await getOne(c, 'SLACK', auth)).statusCode).toBe(200);
      expect((await put(c, 'SLACK', { type: 'SLACK', enabled: false }, auth)).statusCode).toBe(200);
      expect((await deliveries(c, 'SLACK', '', auth)).statusCode).toBe(200);
      expect((await remove(c, 'SLACK', auth)).statusCode).toBe(200);
      expect((await getOne(c, 'PAGER_DUTY', auth)).statusCode).toBe(404);
    });

    it('a superadmin may use every route of any customer; an unknown customer is a 404', async () => {
      for (const call of everyRoute(superadmin)) expect((await call()).statusCode).toBeLessThan(300);
      const unknown = uniqueId('no-such-customer');
      expect((await list(unknown)).statusCode).toBe(404);
      expect((await put(unknown, 'SLACK', config('SLACK'))).statusCode).toBe(404);
      expect(await gw.prisma.channelIntegration.count({ where: { customerId: unknown } })).toBe(0);
    });
  });

  describe('secrets never leave whole', () => {
    it('no answer of this file holds a secret whole, and neither does any log line (LOG_LEVEL=debug)', () => {
      expect(secrets.length).toBeGreaterThan(30);
      expect(answers.length).toBeGreaterThan(100);
      const leaks = secrets.filter((s) => answers.some((a) => a.includes(s)));
      expect(leaks).toEqual([]);

      const text = logs.text();
      const lines = text.split('\n').filter((l) => l.startsWith('{'));
      // The capture works: request lines of the gateway for this API.
      expect(lines.some((l) => l.includes('"name":"gateway"') && l.includes('/api/public/v1.0/groups/'))).toBe(true);
      expect(secrets.filter((s) => text.includes(s))).toEqual([]);
    });
  });
});
