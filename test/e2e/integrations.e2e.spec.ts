import { createDecipheriv, createHash } from 'node:crypto';

import type { Response } from 'light-my-request';

import type { SluiceConfig } from '@sluice/config';
import { SLUICE_CONFIG } from '@sluice/config';

import { apiUser, createCustomer, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';

/**
 * Spec §4 (seed 000's shapes, seed 004's write-only credentials): installed integrations of a
 * tenant — install, list, get, update (POST and PUT), delete, WEBHOOK token regeneration; the
 * validation of every enum and of the seed's conditional notifier rules; secrets sealed with
 * AES-256-GCM at rest and absent from every answer; access for superadmins and that tenant's
 * admins only.
 */
describe('installed integrations (spec §4)', () => {
  let gw: TestGateway;
  let superadmin: Record<string, string>;
  let secretsKey: Buffer;

  beforeAll(async () => {
    gw = await startGateway();
    superadmin = (await apiUser(gw, [], { isSuperadmin: true })).auth;
    secretsKey = gw.app.get<SluiceConfig>(SLUICE_CONFIG).secretsKey;
  });
  afterAll(() => gw.close());

  const base = (tenantId: string) => `/api/v2/tenants/${tenantId}/integrations/installed`;
  const send = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers = superadmin) =>
    gw.inject({ method, url, headers, ...(payload !== undefined && { payload: payload as object }) });
  const install = (tenantId: string, payload: unknown, headers = superadmin) =>
    send('POST', base(tenantId), payload, headers);
  const update = (method: 'POST' | 'PUT', tenantId: string, id: string, payload: unknown, headers = superadmin) =>
    send(method, `${base(tenantId)}/${id}`, payload, headers);
  const getOne = (tenantId: string, id: string, headers = superadmin) =>
    send('GET', `${base(tenantId)}/${id}`, undefined, headers);
  const list = (tenantId: string, headers = superadmin) => send('GET', base(tenantId), undefined, headers);
  const regenerate = (tenantId: string, id: string, headers = superadmin) =>
    send('POST', `${base(tenantId)}/${id}/token`, undefined, headers);
  const row = (id: string) => gw.prisma.integration.findUnique({ where: { id } });
  const tenant = async () => (await createCustomer(gw.prisma)).id;
  const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

  /** The seed's `v1.<iv>.<tag>.<ciphertext>` opened with plain AES-256-GCM and the gateway's key. */
  function openSealed(sealed: string): Record<string, unknown> {
    const [version, iv, tag, body] = sealed.split('.');
    expect(version).toBe('v1');
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
    const decipher = createDecipheriv('aes-256-gcm', secretsKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return JSON.parse(
      Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8'),
    );
  }

  const expect400Naming = (res: Response, ...fields: string[]) => {
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.message).toBe('Invalid payload');
    for (const field of fields)
      expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  };

  const INTG_ID = /^INTG-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const webhook = (overrides: Record<string, unknown> = {}) => ({
    displayName: 'Custom Integration',
    integration: { id: 'CUSTOM' },
    inboundConfig: { authentication: { authType: 'WEBHOOK' } },
    ...overrides,
  });
  const notifier = (baseNotifier: Record<string, unknown>, rest: Record<string, unknown> = {}) => ({
    integration: { id: 'SERVICENOW' },
    outboundConfig: {
      baseNotifier: { type: 'REST_API', baseURI: 'https://acme.service-now.com', ...baseNotifier },
      ...rest,
    },
  });

  describe('create, list, get, update, delete', () => {
    it('POST installs: 201 with an INTG-<uuid> id, the WEBHOOK token shown once and only its sha256 stored', async () => {
      const t = await tenant();
      const res = await install(t, webhook());
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toEqual({
        id: expect.stringMatching(INTG_ID),
        displayName: 'Custom Integration',
        integration: { id: 'CUSTOM', name: 'Custom' },
        inboundConfig: { authentication: { authType: 'WEBHOOK', token: expect.stringMatching(/^[A-Za-z0-9]{32}$/) } },
      });
      const token = body.inboundConfig.authentication.token;
      const stored = await row(body.id);
      expect(stored).toMatchObject({
        tenantId: t,
        integrationId: 'CUSTOM',
        inboundAuthType: 'WEBHOOK',
        inboundTokenHash: sha256(token),
      });
      expect(JSON.stringify(stored)).not.toContain(token);
      const [raw] = await gw.prisma.$queryRaw<
        { inbound_token_hash: string }[]
      >`SELECT inbound_token_hash FROM integrations WHERE id = ${body.id}`;
      expect(raw.inbound_token_hash).toBe(sha256(token));

      // Another install gets another id and another token.
      const other = (await install(t, webhook())).json();
      expect(other.id).not.toBe(body.id);
      expect(other.inboundConfig.authentication.token).not.toBe(token);
    });

    it("GET lists the tenant's integrations as {results, totalCount}, without tokens and without other tenants' ones", async () => {
      const t = await tenant();
      const other = await tenant();
      const a = (await install(t, webhook({ displayName: 'first' }))).json();
      const b = (await install(t, { integration: { id: 'JIRA' }, displayName: 'second' })).json();
      const foreign = (await install(other, webhook())).json();

      const res = await list(t);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toEqual({
        results: [
          {
            id: a.id,
            displayName: 'first',
            integration: { id: 'CUSTOM', name: 'Custom' },
            inboundConfig: { authentication: { authType: 'WEBHOOK' } },
          },
          { id: b.id, displayName: 'second', integration: { id: 'JIRA', name: 'Jira Service Management' } },
        ],
        totalCount: 2,
      });
      expect(res.body).not.toContain(a.inboundConfig.authentication.token);
      expect(res.body).not.toContain(foreign.id);
      expect(res.body).not.toContain('"token"');
    });

    it('GET /{id} answers the integration as installed, without its token', async () => {
      const t = await tenant();
      const created = (await install(t, webhook())).json();
      const res = await getOne(t, created.id);
      expect(res.statusCode).toBe(200);
      const { inboundConfig, ...rest } = created;
      expect(res.json()).toEqual({ ...rest, inboundConfig: { authentication: { authType: 'WEBHOOK' } } });
      expect(res.body).not.toContain(inboundConfig.authentication.token);
    });

    it.each(['POST', 'PUT'] as const)(
      '%s /{id} updates the fields it carries, keeps the others and the token (not shown again)',
      async (method) => {
        const t = await tenant();
        const created = (await install(t, webhook({ displayName: 'before' }))).json();
        const token = created.inboundConfig.authentication.token;
        const hashBefore = (await row(created.id))!.inboundTokenHash;

        const renamed = await update(method, t, created.id, { displayName: 'after' });
        expect(renamed.statusCode).toBe(200);
        expect(renamed.json()).toEqual({
          id: created.id,
          displayName: 'after',
          integration: { id: 'CUSTOM', name: 'Custom' },
          inboundConfig: { authentication: { authType: 'WEBHOOK' } },
        });

        // The same authType again, with mappings: the token is neither changed nor shown.
        const mapped = await update(method, t, created.id, {
          inboundConfig: {
            authentication: { authType: 'WEBHOOK' },
            mapAttributes: [
              {
                name: 'Status',
                thirdPartyAttrName: 'state',
                entityType: 'INCIDENT',
                attrValues: [{ attrValue: 'Open', thirdPartyAttrValue: '1' }],
              },
            ],
          },
        });
        expect(mapped.statusCode).toBe(200);
        expect(mapped.json()).toMatchObject({
          displayName: 'after',
          inboundConfig: { authentication: { authType: 'WEBHOOK' } },
        });
        expect(mapped.json().inboundConfig.authentication).not.toHaveProperty('token');
        expect(mapped.body).not.toContain(token);
        expect((await row(created.id))!.inboundTokenHash).toBe(hashBefore);
        expect(hashBefore).toBe(sha256(token));

        // A mapping-free update keeps the mappings.
        const again = await update(method, t, created.id, { displayName: 'last' });
        expect(again.json().inboundConfig.mapAttributes).toEqual([
          {
            name: 'Status',
            attrName: 'incident.status.name',
            thirdPartyAttrName: 'state',
            entityType: 'INCIDENT',
            attrValues: [{ attrValue: 'Open', thirdPartyAttrValue: '1' }],
          },
        ]);
        expect((await getOne(t, created.id)).json()).toEqual(again.json());
      },
    );

    it('DELETE uninstalls: 200, then the integration is 404 and its row gone', async () => {
      const t = await tenant();
      const created = (await install(t, webhook())).json();
      const res = await send('DELETE', `${base(t)}/${created.id}`);
      expect(res.statusCode).toBe(200);
      expect(await row(created.id)).toBeNull();
      expect((await getOne(t, created.id)).statusCode).toBe(404);
      expect((await list(t)).json().totalCount).toBe(0);
      expect((await send('DELETE', `${base(t)}/${created.id}`)).statusCode).toBe(404);
    });
  });

  describe('WEBHOOK token', () => {
    it('POST /{id}/token regenerates: the new value shown once, the stored hash replaced', async () => {
      const t = await tenant();
      const created = (await install(t, webhook())).json();
      const oldToken = created.inboundConfig.authentication.token;

      const res = await regenerate(t, created.id);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      const newToken = body.inboundConfig.authentication.token;
      expect(newToken).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(newToken).not.toBe(oldToken);
      expect(body).toMatchObject({
        id: created.id,
        integration: { id: 'CUSTOM' },
        inboundConfig: { authentication: { authType: 'WEBHOOK' } },
      });

      const stored = await row(created.id);
      expect(stored!.inboundTokenHash).toBe(sha256(newToken));
      expect(stored!.inboundTokenHash).not.toBe(sha256(oldToken));
      expect(await gw.prisma.integration.count({ where: { inboundTokenHash: sha256(oldToken) } })).toBe(0);

      // Not shown again afterwards, by GET or by an update.
      const after = await getOne(t, created.id);
      expect(after.body).not.toContain(newToken);
      expect(after.json().inboundConfig.authentication).toEqual({ authType: 'WEBHOOK' });
      const updated = await update('PUT', t, created.id, { displayName: 'x' });
      expect(updated.body).not.toContain(newToken);
      expect((await row(created.id))!.inboundTokenHash).toBe(sha256(newToken));
    });

    it('OAUTH2 inbound has no token; switching to WEBHOOK makes one, shown in that answer', async () => {
      const t = await tenant();
      const created = await install(t, {
        integration: { id: 'SERVICENOW' },
        inboundConfig: { authentication: { authType: 'OAUTH2' } },
      });
      expect(created.statusCode).toBe(201);
      expect(created.json().inboundConfig.authentication).toEqual({ authType: 'OAUTH2' });
      const id = created.json().id;
      expect((await row(id))!.inboundTokenHash).toBeNull();
      expect((await regenerate(t, id)).statusCode).toBe(400);

      const switched = await update('POST', t, id, { inboundConfig: { authentication: { authType: 'WEBHOOK' } } });
      expect(switched.statusCode).toBe(200);
      const token = switched.json().inboundConfig.authentication.token;
      expect(token).toMatch(/^[A-Za-z0-9]{32}$/);
      expect((await row(id))!.inboundTokenHash).toBe(sha256(token));
    });
  });

  describe('mapAttributes', () => {
    it('answers attrName and the canonical thirdParty* spelling for the tenant* aliases, inbound and outbound', async () => {
      const t = await tenant();
      const res = await install(t, {
        integration: { id: 'CASERVICEDESK' },
        inboundConfig: {
          authentication: { authType: 'WEBHOOK' },
          mapAttributes: [
            {
              name: 'Status',
              tenantAttrName: 'Status',
              entityType: 'SERVICEREQUEST',
              tenantEntityType: 'SRQ',
              attrValues: [{ attrValue: 'Open', tenantAttrValue: 'In Progress' }],
            },
            {
              name: 'Priority',
              thirdPartyAttrName: 'severity',
              entityType: 'INCIDENT',
              thirdPartyEntityType: 'TICKET',
              attrValues: [{ attrValue: 'High', thirdPartyAttrValue: 'Max' }],
            },
          ],
        },
        outboundConfig: {
          mapAttributes: [
            {
              name: 'Status',
              tenantAttrName: 'stats',
              entityType: 'ALERT',
              tenantEntityType: 'Ticket',
              attrValues: [{ attrValue: 'Critical', tenantAttrValue: 'bad' }],
            },
          ],
        },
      });
      expect(res.statusCode).toBe(201);
      const expected = {
        inbound: [
          {
            name: 'Status',
            attrName: 'serviceRequest.status.name',
            thirdPartyAttrName: 'Status',
            entityType: 'SERVICEREQUEST',
            thirdPartyEntityType: 'SRQ',
            attrValues: [{ attrValue: 'Open', thirdPartyAttrValue: 'In Progress' }],
          },
          {
            name: 'Priority',
            attrName: 'incident.priority.name',
            thirdPartyAttrName: 'severity',
            entityType: 'INCIDENT',
            thirdPartyEntityType: 'TICKET',
            attrValues: [{ attrValue: 'High', thirdPartyAttrValue: 'Max' }],
          },
        ],
        outbound: [
          {
            name: 'Status',
            attrName: 'alert.status.name',
            thirdPartyAttrName: 'stats',
            entityType: 'ALERT',
            thirdPartyEntityType: 'Ticket',
            attrValues: [{ attrValue: 'Critical', thirdPartyAttrValue: 'bad' }],
          },
        ],
      };
      expect(res.json().inboundConfig.mapAttributes).toEqual(expected.inbound);
      expect(res.json().outboundConfig.mapAttributes).toEqual(expected.outbound);
      expect(res.body).not.toMatch(/tenantAttrName|tenantEntityType|tenantAttrValue/);

      const got = (await getOne(t, res.json().id)).json();
      expect(got.inboundConfig.mapAttributes).toEqual(expected.inbound);
      expect(got.outboundConfig.mapAttributes).toEqual(expected.outbound);
    });

    it.each(['ALERT', 'PROBLEM', 'INCIDENT', 'CHANGE', 'SERVICEREQUEST', 'TASK'])(
      'entityType %s is accepted',
      async (entityType) => {
        const t = await tenant();
        const res = await install(t, {
          integration: { id: 'CUSTOM' },
          inboundConfig: { mapAttributes: [{ name: 'Status', entityType, attrValues: [] }] },
        });
        expect(res.statusCode).toBe(201);
        expect(res.json().inboundConfig.mapAttributes[0]).toMatchObject({
          entityType,
          attrName: expect.stringMatching(/\.status\.name$/),
        });
      },
    );

    it.each([
      ['inboundConfig', 'inboundConfig.mapAttributes.0.entityType'],
      ['outboundConfig', 'outboundConfig.mapAttributes.0.entityType'],
    ])('an unknown entityType in %s is 400 naming %s, nothing stored', async (config, field) => {
      const t = await tenant();
      const res = await install(t, {
        integration: { id: 'CUSTOM' },
        [config]: { mapAttributes: [{ name: 'Status', entityType: 'TICKET', attrValues: [] }] },
      });
      expect400Naming(res, field);
      expect(await gw.prisma.integration.count({ where: { tenantId: t } })).toBe(0);
    });
  });

  describe('validation', () => {
    const enumCases: [string, Record<string, unknown>, string][] = [
      ['integration.id', { integration: { id: 'not valid!' } }, 'integration.id'],
      ['integration missing', { displayName: 'x' }, 'integration'],
      [
        'inbound authType',
        { integration: { id: 'CUSTOM' }, inboundConfig: { authentication: { authType: 'BASIC' } } },
        'inboundConfig.authentication.authType',
      ],
      [
        'inbound authType missing',
        { integration: { id: 'CUSTOM' }, inboundConfig: { authentication: {} } },
        'inboundConfig.authentication.authType',
      ],
      ['notifier type', notifier({ type: 'GRAPHQL' }), 'outboundConfig.baseNotifier.type'],
      ['notifier authType', notifier({ authType: 'DIGEST' }), 'outboundConfig.baseNotifier.authType'],
      [
        'notifier grantType',
        notifier({
          authType: 'OAUTH2',
          grantType: 'IMPLICIT',
          apiKey: 'k',
          apiSecret: 's',
          accessTokenURL: 'https://t',
        }),
        'outboundConfig.baseNotifier.grantType',
      ],
      ['minSeverity 6', notifier({}, { minSeverity: 6 }), 'outboundConfig.minSeverity'],
      ['minSeverity -1', notifier({}, { minSeverity: -1 }), 'outboundConfig.minSeverity'],
      ['minSeverity 2.5', notifier({}, { minSeverity: 2.5 }), 'outboundConfig.minSeverity'],
      ['minSeverity "4"', notifier({}, { minSeverity: '4' }), 'outboundConfig.minSeverity'],
    ];
    it.each(enumCases)('%s: 400 naming the field, nothing stored', async (_, payload, field) => {
      const t = await tenant();
      expect400Naming(await install(t, payload), field);
      expect(await gw.prisma.integration.count({ where: { tenantId: t } })).toBe(0);
    });

    it('an invalid enum in an update is 400 and changes nothing', async () => {
      const t = await tenant();
      const created = (await install(t, notifier({ authType: 'NONE' }))).json();
      const before = await row(created.id);
      expect400Naming(
        await update('PUT', t, created.id, { outboundConfig: { baseNotifier: { authType: 'KERBEROS' } } }),
        'outboundConfig.baseNotifier.authType',
      );
      expect400Naming(
        await update('POST', t, created.id, { inboundConfig: { authentication: { authType: 'SAML' } } }),
        'inboundConfig.authentication.authType',
      );
      expect(await row(created.id)).toEqual(before);
    });

    it('SOAP_API is 400 "not supported"', async () => {
      const t = await tenant();
      const res = await install(t, notifier({ type: 'SOAP_API' }));
      expect400Naming(res, 'outboundConfig.baseNotifier.type');
      expect(res.body).toContain('not supported');
      expect(await gw.prisma.integration.count({ where: { tenantId: t } })).toBe(0);
    });

    const ruleCases: [string, Record<string, unknown>, string[]][] = [
      ['no baseURI', { baseURI: undefined, authType: 'NONE' }, ['baseURI']],
      [
        'OAUTH2 without apiKey, apiSecret, accessTokenURL, grantType',
        { authType: 'OAUTH2' },
        ['apiKey', 'apiSecret', 'accessTokenURL', 'grantType'],
      ],
      [
        'OAUTH2 without apiSecret',
        { authType: 'OAUTH2', grantType: 'CLIENT_CREDENTIALS', apiKey: 'k', accessTokenURL: 'https://t' },
        ['apiSecret'],
      ],
      [
        'OAUTH2 PASSWORD without userName and password',
        { authType: 'OAUTH2', grantType: 'PASSWORD', apiKey: 'k', apiSecret: 's', accessTokenURL: 'https://t' },
        ['userName', 'password'],
      ],
      [
        'OAUTH2 REFRESH_TOKEN without userName and password',
        { authType: 'OAUTH2', grantType: 'REFRESH_TOKEN', apiKey: 'k', apiSecret: 's', accessTokenURL: 'https://t' },
        ['userName', 'password'],
      ],
      [
        'OAUTH2 PASSWORD without password',
        {
          authType: 'OAUTH2',
          grantType: 'PASSWORD',
          userName: 'u',
          apiKey: 'k',
          apiSecret: 's',
          accessTokenURL: 'https://t',
        },
        ['password'],
      ],
      ['BASIC without userName and password', { authType: 'BASIC' }, ['userName', 'password']],
      ['BASIC without password', { authType: 'BASIC', userName: 'u' }, ['password']],
      [
        'JWT without tokenURL, tokensPath, resourceAuthHeaders',
        { authType: 'JWT' },
        ['tokenURL', 'tokensPath', 'resourceAuthHeaders'],
      ],
    ];
    it.each(ruleCases)('%s: 400 naming each missing field', async (_, fields, missing) => {
      const t = await tenant();
      const res = await install(t, notifier(fields));
      expect400Naming(res, ...missing.map((f) => `outboundConfig.baseNotifier.${f}`));
      const named = res.json().errors.map((e: { field: string }) => e.field);
      // Only the missing ones are named.
      expect(named.filter((f: string) => f.startsWith('outboundConfig.baseNotifier.')).sort()).toEqual(
        missing.map((f) => `outboundConfig.baseNotifier.${f}`).sort(),
      );
      expect(await gw.prisma.integration.count({ where: { tenantId: t } })).toBe(0);
    });

    const validCases: [string, Record<string, unknown>][] = [
      ['NONE with baseURI only', { authType: 'NONE' }],
      ['no authType (NONE)', {}],
      [
        'OAUTH2 CLIENT_CREDENTIALS without userName/password',
        {
          authType: 'OAUTH2',
          grantType: 'CLIENT_CREDENTIALS',
          apiKey: 'k',
          apiSecret: 's',
          accessTokenURL: 'https://t.example.com/oauth',
        },
      ],
      [
        'OAUTH2 PASSWORD complete',
        {
          authType: 'OAUTH2',
          grantType: 'PASSWORD',
          userName: 'u',
          password: 'p',
          apiKey: 'k',
          apiSecret: 's',
          accessTokenURL: 'https://t.example.com/oauth',
        },
      ],
      [
        'OAUTH2 REFRESH_TOKEN complete',
        {
          authType: 'OAUTH2',
          grantType: 'REFRESH_TOKEN',
          userName: 'u',
          password: 'p',
          apiKey: 'k',
          apiSecret: 's',
          accessTokenURL: 'https://t.example.com/oauth',
        },
      ],
      ['BASIC complete', { authType: 'BASIC', userName: 'u', password: 'p' }],
      [
        'JWT complete',
        {
          authType: 'JWT',
          tokenURL: 'https://t.example.com/login',
          tokensPath: [{ key: 'jwt', value: 'a.b' }],
          resourceAuthHeaders: [{ key: 'Authorization', value: 'Bearer $jwt' }],
        },
      ],
    ];
    it.each(validCases)('%s is accepted: 201', async (_, fields) => {
      const t = await tenant();
      const res = await install(t, notifier(fields));
      expect(res.statusCode).toBe(201);
      expect(res.json().outboundConfig.baseNotifier).toMatchObject({
        baseURI: 'https://acme.service-now.com',
        authType: (fields.authType as string) ?? 'NONE',
      });
    });

    it('the rules apply to the merged notifier on update: switching to BASIC without credentials is 400', async () => {
      const t = await tenant();
      const created = (await install(t, notifier({ authType: 'NONE' }))).json();
      expect400Naming(
        await update('POST', t, created.id, { outboundConfig: { baseNotifier: { authType: 'BASIC' } } }),
        'outboundConfig.baseNotifier.userName',
        'outboundConfig.baseNotifier.password',
      );
      const ok = await update('PUT', t, created.id, {
        outboundConfig: { baseNotifier: { authType: 'BASIC', userName: 'u', password: 'p' } },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().outboundConfig.baseNotifier).toMatchObject({
        baseURI: 'https://acme.service-now.com',
        authType: 'BASIC',
        userName: 'u',
      });
    });

    it('accessTokenURI is accepted and answered as accessTokenURL', async () => {
      const t = await tenant();
      const res = await install(
        t,
        notifier({
          authType: 'OAUTH2',
          grantType: 'PASSWORD',
          userName: 'testUser',
          password: 'pk',
          accessTokenURI: 'https://www.token.com/cred',
          apiKey: '6h67PAAFscVPMwhQZFcshpcqN5b6pyU9',
          apiSecret: 'asdfgnasinfpaiwerpfawpeojporwjaeprfwpejprwje',
        }),
      );
      expect(res.statusCode).toBe(201);
      expect(res.json().outboundConfig.baseNotifier).toMatchObject({
        accessTokenURL: 'https://www.token.com/cred',
        apiKey: '6h67PAAFscVPMwhQZFcshpcqN5b6pyU9',
        userName: 'testUser',
      });
      expect(res.body).not.toContain('accessTokenURI');
      expect((await getOne(t, res.json().id)).json().outboundConfig.baseNotifier.accessTokenURL).toBe(
        'https://www.token.com/cred',
      );
    });

    it('minSeverity defaults to 4, may be set 0..5 at install and changed alone on update', async () => {
      const t1 = await tenant();
      const dflt = await install(t1, notifier({}));
      expect(dflt.statusCode).toBe(201);
      expect(dflt.json().outboundConfig.minSeverity).toBe(4);
      expect((await row(dflt.json().id))!.notifier).toMatchObject({ minSeverity: 4 });

      for (const minSeverity of [0, 5]) {
        const t = await tenant();
        const res = await install(t, notifier({}, { minSeverity }));
        expect(res.statusCode).toBe(201);
        expect(res.json().outboundConfig.minSeverity).toBe(minSeverity);
      }

      const changed = await update('POST', t1, dflt.json().id, { outboundConfig: { minSeverity: 2 } });
      expect(changed.statusCode).toBe(200);
      expect(changed.json().outboundConfig).toMatchObject({
        minSeverity: 2,
        baseNotifier: { baseURI: 'https://acme.service-now.com', authType: 'NONE' },
      });
      // A notifier update that does not carry minSeverity keeps it.
      const kept = await update('PUT', t1, dflt.json().id, {
        outboundConfig: { baseNotifier: { baseURI: 'https://other.example.com' } },
      });
      expect(kept.json().outboundConfig).toMatchObject({
        minSeverity: 2,
        baseNotifier: { baseURI: 'https://other.example.com' },
      });
    });

    it('OAUTH2 inbound on a CUSTOM integration needs role.uniqueId (400 naming it); other integrations do not', async () => {
      const t = await tenant();
      expect400Naming(
        await install(t, { integration: { id: 'CUSTOM' }, inboundConfig: { authentication: { authType: 'OAUTH2' } } }),
        'inboundConfig.authentication.role.uniqueId',
      );
      expect(await gw.prisma.integration.count({ where: { tenantId: t } })).toBe(0);

      const role = { uniqueId: 'ROLE-4718b729-50cc-6634-42c4-ecd09558389d' };
      const custom = await install(t, {
        integration: { id: 'CUSTOM' },
        inboundConfig: { authentication: { authType: 'OAUTH2', role } },
      });
      expect(custom.statusCode).toBe(201);
      expect(custom.json().inboundConfig.authentication).toEqual({ authType: 'OAUTH2', role });
      expect((await row(custom.json().id))!.inboundRoleUniqueId).toBe(role.uniqueId);

      // An update that carries the authentication without the role keeps the stored role.
      for (const method of ['POST', 'PUT'] as const) {
        const kept = await update(method, t, custom.json().id, {
          displayName: 'Custom Integration',
          inboundConfig: { authentication: { authType: 'OAUTH2' } },
        });
        expect(kept.statusCode).toBe(200);
        expect(kept.json().inboundConfig.authentication).toEqual({ authType: 'OAUTH2', role });
      }
      const other = { uniqueId: 'ROLE-00000000-0000-0000-0000-000000000001' };
      const replaced = await update('PUT', t, custom.json().id, {
        inboundConfig: { authentication: { authType: 'OAUTH2', role: other } },
      });
      expect(replaced.json().inboundConfig.authentication).toEqual({ authType: 'OAUTH2', role: other });
      expect((await getOne(t, custom.json().id)).json().inboundConfig.authentication).toEqual({
        authType: 'OAUTH2',
        role: other,
      });

      // Switching a CUSTOM WEBHOOK integration to OAUTH2 by update follows the same rule.
      const hook = (await install(t, webhook())).json();
      expect400Naming(
        await update('PUT', t, hook.id, { inboundConfig: { authentication: { authType: 'OAUTH2' } } }),
        'inboundConfig.authentication.role.uniqueId',
      );
      expect((await row(hook.id))!.inboundAuthType).toBe('WEBHOOK');

      const snow = await install(t, {
        integration: { id: 'SERVICENOW' },
        inboundConfig: { authentication: { authType: 'OAUTH2' } },
      });
      expect(snow.statusCode).toBe(201);
    });
  });

  describe('one outbound notifier per tenant', () => {
    it('a second integration with an outbound notifier in the same tenant is 409; other tenants are independent', async () => {
      const t = await tenant();
      const first = await install(t, notifier({}));
      expect(first.statusCode).toBe(201);

      const second = await install(t, notifier({}, {}));
      expect(second.statusCode).toBe(409);
      expect(second.json()).toEqual({ message: expect.any(String) });

      // Without a notifier it installs, but it cannot gain one by update (POST or PUT).
      const plain = await install(t, webhook());
      expect(plain.statusCode).toBe(201);
      for (const method of ['POST', 'PUT'] as const) {
        const res = await update(method, t, plain.json().id, {
          outboundConfig: { baseNotifier: { baseURI: 'https://x.example.com' } },
        });
        expect(res.statusCode).toBe(409);
      }
      expect((await row(plain.json().id))!.hasNotifier).toBe(false);
      expect(await gw.prisma.integration.count({ where: { tenantId: t, hasNotifier: true } })).toBe(1);

      // Updating the first one's notifier is not a conflict with itself.
      expect(
        (
          await update('PUT', t, first.json().id, {
            outboundConfig: { baseNotifier: { baseURI: 'https://y.example.com' } },
          })
        ).statusCode,
      ).toBe(200);

      const elsewhere = await install(await tenant(), notifier({}));
      expect(elsewhere.statusCode).toBe(201);

      // Once the first is uninstalled, another may have the notifier.
      expect((await send('DELETE', `${base(t)}/${first.json().id}`)).statusCode).toBe(200);
      expect(
        (
          await update('POST', t, plain.json().id, {
            outboundConfig: { baseNotifier: { baseURI: 'https://x.example.com' } },
          })
        ).statusCode,
      ).toBe(200);
    });
  });

  describe('secrets (seed 004: write-only; AES-256-GCM at rest)', () => {
    const s = () => ({
      password: uniqueId('pw-secret'),
      apiSecret: uniqueId('api-secret'),
      refreshToken: uniqueId('refresh-secret'),
      payloadValue: uniqueId('payload-secret'),
      headerValue: uniqueId('header-secret'),
    });
    const secretValues = (x: ReturnType<typeof s>) => [
      x.password,
      x.apiSecret,
      x.refreshToken,
      x.payloadValue,
      x.headerValue,
    ];
    const expectNoSecrets = (res: Response, x: ReturnType<typeof s>) => {
      for (const v of secretValues(x)) expect(res.body).not.toContain(v);
    };
    const expectRowSealed = async (id: string, x: ReturnType<typeof s>) => {
      const stored = await row(id);
      expect(stored!.notifierSecrets).toMatch(/^v1\./);
      const text = JSON.stringify(stored);
      for (const v of secretValues(x)) expect(text).not.toContain(v);
      return openSealed(stored!.notifierSecrets!);
    };

    it('OAUTH2 REFRESH_TOKEN: password, apiSecret and refreshToken are sealed and absent from install, get, list and updates', async () => {
      const t = await tenant();
      const x = s();
      const created = await install(
        t,
        notifier({
          authType: 'OAUTH2',
          grantType: 'REFRESH_TOKEN',
          userName: 'svc-sluice',
          password: x.password,
          apiKey: 'public-client-id',
          apiSecret: x.apiSecret,
          refreshToken: x.refreshToken,
          accessTokenURL: 'https://acme.service-now.com/oauth_token.do',
        }),
      );
      expect(created.statusCode).toBe(201);
      expectNoSecrets(created, x);
      expect(created.json().outboundConfig.baseNotifier).toEqual({
        type: 'REST_API',
        baseURI: 'https://acme.service-now.com',
        authType: 'OAUTH2',
        grantType: 'REFRESH_TOKEN',
        userName: 'svc-sluice',
        apiKey: 'public-client-id',
        accessTokenURL: 'https://acme.service-now.com/oauth_token.do',
      });
      const id = created.json().id;
      expect(await expectRowSealed(id, x)).toEqual({
        password: x.password,
        apiSecret: x.apiSecret,
        refreshToken: x.refreshToken,
      });

      expectNoSecrets(await getOne(t, id), x);
      expectNoSecrets(await list(t), x);
      expectNoSecrets(await send('GET', base(t)), x);

      // An update that changes no destination keeps the secrets, sealed afresh.
      const sealedBefore = (await row(id))!.notifierSecrets;
      const renamed = await update('POST', t, id, { outboundConfig: { baseNotifier: { userName: 'svc-sluice-2' } } });
      expect(renamed.statusCode).toBe(200);
      expectNoSecrets(renamed, x);
      expect(renamed.json().outboundConfig.baseNotifier).toMatchObject({
        userName: 'svc-sluice-2',
        authType: 'OAUTH2',
        grantType: 'REFRESH_TOKEN',
        apiKey: 'public-client-id',
      });
      expect(await expectRowSealed(id, x)).toEqual({
        password: x.password,
        apiSecret: x.apiSecret,
        refreshToken: x.refreshToken,
      });
      expect((await row(id))!.notifierSecrets).not.toBe(sealedBefore);

      // Moving the notifier to another host needs the secrets again: stored credentials never
      // follow a new destination.
      const movedAlone = await update('POST', t, id, {
        outboundConfig: { baseNotifier: { baseURI: 'https://acme2.service-now.com' } },
      });
      expect(movedAlone.statusCode).toBe(400);
      expect(
        movedAlone
          .json()
          .errors.map((e: { field: string }) => e.field)
          .sort(),
      ).toEqual(['outboundConfig.baseNotifier.apiSecret', 'outboundConfig.baseNotifier.password']);
      expect(await expectRowSealed(id, x)).toEqual({
        password: x.password,
        apiSecret: x.apiSecret,
        refreshToken: x.refreshToken,
      });
      const moved = await update('POST', t, id, {
        outboundConfig: {
          baseNotifier: {
            baseURI: 'https://acme2.service-now.com',
            password: x.password,
            apiSecret: x.apiSecret,
            refreshToken: x.refreshToken,
          },
        },
      });
      expect(moved.statusCode).toBe(200);
      expectNoSecrets(moved, x);
      expect(moved.json().outboundConfig.baseNotifier).toMatchObject({
        baseURI: 'https://acme2.service-now.com',
        authType: 'OAUTH2',
        apiKey: 'public-client-id',
      });
      expect(await expectRowSealed(id, x)).toEqual({
        password: x.password,
        apiSecret: x.apiSecret,
        refreshToken: x.refreshToken,
      });

      // Changing one secret by PUT replaces it and keeps the others.
      const newPassword = uniqueId('pw2-secret');
      const changed = await update('PUT', t, id, { outboundConfig: { baseNotifier: { password: newPassword } } });
      expect(changed.statusCode).toBe(200);
      expectNoSecrets(changed, x);
      expect(changed.body).not.toContain(newPassword);
      const opened = await expectRowSealed(id, x);
      expect(opened).toEqual({ password: newPassword, apiSecret: x.apiSecret, refreshToken: x.refreshToken });
      expect(JSON.stringify(await row(id))).not.toContain(newPassword);
    });

    it('JWT: password, tokenPayload and tokenHeaders are sealed and absent from every answer', async () => {
      const t = await tenant();
      const x = s();
      const created = await install(t, {
        integration: { id: 'CUSTOM' },
        displayName: 'AsPI Tnmesting',
        outboundConfig: {
          mapAttributes: [
            {
              name: 'Status',
              thirdPartyAttrName: 'stats',
              entityType: 'INCIDENT',
              thirdPartyEntityType: 'Ticket',
              attrValues: [{ attrValue: 'Open', thirdPartyAttrValue: 'good' }],
            },
          ],
          baseNotifier: {
            type: 'REST_API',
            baseURI: 'https://us1-smax.saas.microfocus.com',
            authType: 'JWT',
            userName: 'test',
            password: x.password,
            tokenPayload: { rest: x.payloadValue },
            tokenURL: 'https://us1-smax.saas.microfocus.com/auth/authentication-endpoint/authenticate/login',
            tokenHeaders: [
              { key: 'Authorization', value: `Basic ${x.headerValue}` },
              { key: 'accept', value: 'application/json' },
            ],
            tokensPath: [{ key: 'jwtToken', value: 'rest_access.access_key' }],
            resourceAuthHeaders: [{ key: 'accept', value: '$jwtToken' }],
          },
        },
      });
      expect(created.statusCode).toBe(201);
      expectNoSecrets(created, x);
      const id = created.json().id;
      expect(created.json().outboundConfig.baseNotifier).toMatchObject({
        baseURI: 'https://us1-smax.saas.microfocus.com',
        authType: 'JWT',
        userName: 'test',
      });
      expect(created.json().outboundConfig.baseNotifier).not.toHaveProperty('password');
      expect(created.json().outboundConfig.baseNotifier).not.toHaveProperty('tokenPayload');
      expect(created.json().outboundConfig.baseNotifier).not.toHaveProperty('tokenHeaders');
      expect(created.json().outboundConfig.mapAttributes[0].attrName).toBe('incident.status.name');

      const opened = await expectRowSealed(id, x);
      expect(opened).toMatchObject({
        password: x.password,
        tokenPayload: { rest: x.payloadValue },
        tokenHeaders: expect.arrayContaining([{ key: 'Authorization', value: `Basic ${x.headerValue}` }]),
      });

      expectNoSecrets(await getOne(t, id), x);
      expectNoSecrets(await list(t), x);
      for (const method of ['POST', 'PUT'] as const) {
        const res = await update(method, t, id, {
          displayName: `renamed by ${method}`,
          outboundConfig: { minSeverity: 3 },
        });
        expect(res.statusCode).toBe(200);
        expectNoSecrets(res, x);
      }
      expect(await expectRowSealed(id, x)).toMatchObject({
        password: x.password,
        tokenPayload: { rest: x.payloadValue },
      });
    });

    it('a 400 does not echo a secret it was given', async () => {
      const t = await tenant();
      const x = s();
      const res = await install(
        t,
        notifier({ authType: 'OAUTH2', grantType: 'PASSWORD', password: x.password, apiSecret: x.apiSecret }),
      );
      expect400Naming(res, 'outboundConfig.baseNotifier.userName', 'outboundConfig.baseNotifier.apiKey');
      expectNoSecrets(res, x);
    });
  });

  describe('access', () => {
    let tenantA: string;
    let tenantB: string;
    let intgA: string;

    beforeAll(async () => {
      tenantA = await tenant();
      tenantB = await tenant();
      intgA = (await install(tenantA, webhook())).json().id;
    });

    it('a superadmin may list: 200', async () => {
      const res = await list(tenantA);
      expect(res.statusCode).toBe(200);
      expect(res.json().results.map((r: { id: string }) => r.id)).toContain(intgA);
    });

    it('an API admin mapped to the tenant may do everything', async () => {
      const { auth } = await apiUser(gw, [tenantA], { isAdmin: true });
      const created = await install(tenantA, webhook({ displayName: 'by tenant admin' }), auth);
      expect(created.statusCode).toBe(201);
      const id = created.json().id;
      expect((await list(tenantA, auth)).statusCode).toBe(200);
      expect((await getOne(tenantA, id, auth)).statusCode).toBe(200);
      expect((await update('POST', tenantA, id, { displayName: 'p' }, auth)).json().displayName).toBe('p');
      expect((await update('PUT', tenantA, id, { displayName: 'q' }, auth)).json().displayName).toBe('q');
      expect((await regenerate(tenantA, id, auth)).statusCode).toBe(200);
      expect((await send('DELETE', `${base(tenantA)}/${id}`, undefined, auth)).statusCode).toBe(200);
      expect(await row(id)).toBeNull();
    });

    const forbidden: [string, () => Promise<Record<string, string>>][] = [
      ['an API admin of another tenant', async () => (await apiUser(gw, [tenantB], { isAdmin: true })).auth],
      ['a non-admin API user of the tenant', async () => (await apiUser(gw, [tenantA], { isAdmin: false })).auth],
      ['a UI admin of the tenant', async () => (await apiUser(gw, [tenantA], { type: 'UI', isAdmin: true })).auth],
      ['a UI-type superadmin', async () => (await apiUser(gw, [tenantA], { type: 'UI', isSuperadmin: true })).auth],
    ];
    it.each(forbidden)('%s gets 403 Access denied on every route, and changes nothing', async (_, who) => {
      const auth = await who();
      const before = await row(intgA);
      const calls = [
        () => install(tenantA, webhook(), auth),
        () => list(tenantA, auth),
        () => getOne(tenantA, intgA, auth),
        () => update('POST', tenantA, intgA, { displayName: 'hijacked' }, auth),
        () => update('PUT', tenantA, intgA, { displayName: 'hijacked' }, auth),
        () => regenerate(tenantA, intgA, auth),
        () => send('DELETE', `${base(tenantA)}/${intgA}`, undefined, auth),
      ];
      for (const call of calls) {
        const res = await call();
        expect(res.statusCode).toBe(403);
        expect(res.json()).toEqual({ message: 'Access denied' });
      }
      expect(await row(intgA)).toEqual(before);
    });

    it('without an access token: 401', async () => {
      for (const res of [
        await gw.inject({ method: 'GET', url: base(tenantA) }),
        await gw.inject({ method: 'POST', url: base(tenantA), payload: webhook() }),
        await gw.inject({ method: 'GET', url: `${base(tenantA)}/${intgA}` }),
        await gw.inject({ method: 'POST', url: `${base(tenantA)}/${intgA}/token` }),
      ]) {
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual({ message: 'Missing access token' });
      }
    });

    it('a superadmin on an unknown tenant: 404', async () => {
      const unknown = uniqueId('no-such-tenant');
      expect((await list(unknown)).statusCode).toBe(404);
      expect((await install(unknown, webhook())).statusCode).toBe(404);
      expect((await getOne(unknown, intgA)).statusCode).toBe(404);
      expect(await gw.prisma.integration.count({ where: { tenantId: unknown } })).toBe(0);
    });

    it('an unknown integration id: 404 on every route', async () => {
      const unknown = 'INTG-00000000-0000-4000-8000-000000000000';
      for (const res of [
        await getOne(tenantA, unknown),
        await update('POST', tenantA, unknown, { displayName: 'x' }),
        await update('PUT', tenantA, unknown, { displayName: 'x' }),
        await regenerate(tenantA, unknown),
        await send('DELETE', `${base(tenantA)}/${unknown}`),
        await getOne(tenantA, 'not-an-id'),
      ]) {
        expect(res.statusCode).toBe(404);
      }
    });

    it("an integration of tenant A through tenant B's path: 404, and it stays unchanged", async () => {
      const before = await row(intgA);
      const { auth: adminB } = await apiUser(gw, [tenantB], { isAdmin: true });
      for (const headers of [superadmin, adminB]) {
        for (const res of [
          await getOne(tenantB, intgA, headers),
          await update('POST', tenantB, intgA, { displayName: 'moved' }, headers),
          await update('PUT', tenantB, intgA, { displayName: 'moved' }, headers),
          await regenerate(tenantB, intgA, headers),
          await send('DELETE', `${base(tenantB)}/${intgA}`, undefined, headers),
        ]) {
          expect(res.statusCode).toBe(404);
        }
        expect((await list(tenantB, headers)).json().results.map((r: { id: string }) => r.id)).not.toContain(intgA);
      }
      expect(await row(intgA)).toEqual(before);
    });
  });
});
