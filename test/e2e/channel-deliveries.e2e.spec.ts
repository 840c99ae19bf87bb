import { randomBytes } from 'node:crypto';

import type { INestApplicationContext } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';

import { QueueName } from '@sluice/queue';

import { apiUser, event, installItsm, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import type { ChannelCall, ChannelCredentials, ChannelService, MockChannel } from '../helpers/mock-channels';
import { channelCredentials, credentialSecrets, startMockChannels } from '../helpers/mock-channels';
import type { MockItsm } from '../helpers/mock-itsm';
import { startMockItsm } from '../helpers/mock-itsm';
import { drained } from '../helpers/queues';
import { StdoutCapture } from '../helpers/stdout-capture';
import type { Json, Tenant } from '../helpers/tenant';
import { get, publish, tenant } from '../helpers/tenant';
import { eventually, startWorker } from '../helpers/worker';

/**
 * Spec §9 end to end: events published to the gateway open alerts; the worker tells each enabled
 * integration whose threshold the alert meets, through the service's API (mock receivers on
 * loopback: test/helpers/mock-channels.ts), and later tells the same ones of the acknowledge (an
 * ITSM's /gbpipush) and the resolve (a clear event) with the same idempotency key; every attempt
 * is in `…/deliveries`, every final outcome in the alert's history. Retries (500 then 200, 429
 * with Retry-After, 400 never retried), a job run again after a crash, `POST …/test`, `enabled`,
 * `minSeverity`, tenancy, and ingestion while every receiver is down. The gateway and the worker
 * log at debug with their stdout captured: no secret is in any line.
 */

const logs = new StdoutCapture();
const secrets: string[] = [];
const secret = (label: string) => {
  const value = `${label}-${randomBytes(12).toString('hex')}`;
  secrets.push(value);
  return value;
};
const creds: ChannelCredentials = channelCredentials();
const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
secrets.push(...credentialSecrets(creds), webhookSecret);
/** Every answer of the channels API in this file. */
const answers: string[] = [];

const TYPES: ChannelService[] = ['PAGER_DUTY', 'SLACK', 'DATADOG', 'NEW_RELIC', 'OPS_GENIE', 'VICTOR_OPS', 'WEBHOOK'];

describe('notification channels: delivery end to end (spec §9)', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;
  let mocks: Record<ChannelService, MockChannel>;
  let superadmin: Record<string, string>;
  const itsms: MockItsm[] = [];

  beforeAll(async () => {
    logs.start();
    mocks = await startMockChannels(creds);
    const urls = Object.fromEntries(
      TYPES.filter((t) => t !== 'WEBHOOK').map((t) => [`CHANNEL_API_URL_${t}`, mocks[t].url]),
    );
    gw = await startGateway({ LOG_LEVEL: 'debug', LOG_REQUESTS: 'true', CHANNEL_TEST_WAIT_MS: '10000' });
    worker = await startWorker(
      gw.redisPrefix,
      { LOG_LEVEL: 'debug', NOTIFIER_RETRY_BASE_MS: '100', CHANNEL_DIGEST_WINDOW_MS: '1000', ...urls },
      { logs: true },
    );
    superadmin = (await apiUser(gw, [], { isSuperadmin: true })).auth;
  });
  afterAll(async () => {
    await worker?.close();
    await gw?.close();
    await Promise.all([...Object.values(mocks ?? {}), ...itsms].map((m) => m.close()));
    logs.stop();
  });

  // ---------------------------------------------------------------- helpers

  const integrationsUrl = (customer: string, type = '') =>
    `/api/public/v1.0/groups/${customer}/integrations${type ? `/${type}` : ''}`;

  /** The configuration of each type that the mocks accept. */
  function configOf(type: ChannelService, extra: Json = {}): Json {
    const base: Record<ChannelService, Json> = {
      PAGER_DUTY: { serviceKey: creds.pagerDutyRoutingKey },
      SLACK: { apiToken: creds.slackToken, teamName: 'ops', channelName: '#alerts' },
      DATADOG: { apiKey: creds.datadogApiKey, region: 'EU' },
      NEW_RELIC: {
        licenseKey: secret('nrlicense'),
        accountId: creds.newRelicAccountId,
        writeToken: creds.newRelicInsertKey,
        readToken: secret('nrquery'),
      },
      OPS_GENIE: { apiKey: creds.opsGenieKey, region: 'US' },
      VICTOR_OPS: { apiKey: creds.victorOpsApiKey, routingKey: creds.victorOpsRoutingKey },
      WEBHOOK: { url: `${mocks.WEBHOOK.url}/hooks/${uniqueId('w')}`, secret: webhookSecret },
    };
    return { type, ...base[type], ...extra };
  }

  async function channelTenant(types: ChannelService[], extra: Partial<Record<ChannelService, Json>> = {}) {
    const t = await tenant(gw);
    for (const type of types) {
      const res = await gw.inject({
        method: 'PUT',
        url: integrationsUrl(t.customer, type),
        headers: superadmin,
        payload: configOf(type, extra[type]),
      });
      answers.push(res.body);
      expect(res.statusCode).toBe(200);
    }
    return t;
  }

  /** Publishes one event of an entity of its own; answers the alert it opened. */
  async function raise(t: Tenant, overrides: Json = {}): Promise<{ alertId: string; entityid: string }> {
    const entityid = uniqueId('host');
    await publish(t, 'allevents', [event(t.customer, { entityid, ...overrides })]);
    await drained(gw, QueueName.Events);
    const row = await gw.prisma.alert.findFirst({ where: { envcustomerid: t.customer, entityid } });
    expect(row).not.toBeNull();
    return { alertId: row!.id, entityid };
  }

  const clear = (t: Tenant, entityid: string) =>
    publish(t, 'allevents', [
      event(t.customer, {
        entityid,
        severity: 0,
        firstoccurrence: '2024-05-01T12:10:00Z',
        description: 'back to normal',
      }),
    ]);

  /** The calls a mock received about one alert (its id is in every body or path). */
  const callsOf = (type: ChannelService, alertId: string) =>
    mocks[type].calls.filter((c) => c.rawBody.includes(alertId) || c.path.includes(alertId));
  const callsReach = (type: ChannelService, alertId: string, n: number, ms = 15_000) =>
    eventually(
      async () => callsOf(type, alertId),
      (c) => c.length >= n,
      ms,
    );

  const deliveries = async (t: Tenant, type: ChannelService): Promise<Json[]> => {
    const res = await gw.inject({
      method: 'GET',
      url: `${integrationsUrl(t.customer, type)}/deliveries`,
      headers: superadmin,
    });
    answers.push(res.body);
    expect(res.statusCode).toBe(200);
    return res.json<Json>().results as Json[];
  };
  const channelHistory = async (t: Tenant, alertId: string): Promise<Json[]> =>
    ((await get(t, `/api/v1/alerts/${alertId}`)).history as Json[]).filter((h) => h.kind === 'channel');

  const body = (c: ChannelCall) => c.body as Json;
  const webhookHeaders = (c: ChannelCall) => ({
    'webhook-id': String(c.headers['webhook-id']),
    'webhook-timestamp': String(c.headers['webhook-timestamp']),
    'webhook-signature': String(c.headers['webhook-signature']),
  });

  /** An ITSM integration (no auth) whose incidents the mock opens; its WEBHOOK token for /gbpipush. */
  async function withItsm(t: Tenant): Promise<{ mock: MockItsm; token: string }> {
    const mock = await startMockItsm({ auth: { scheme: 'NONE' } });
    itsms.push(mock);
    return { mock, token: await installItsm(gw, superadmin, t.customer, mock.url) };
  }

  // ---------------------------------------------------------------- every type

  it('every type: open, acknowledge (by the ITSM), resolve — the matching calls with one idempotency key, each recorded', async () => {
    const t = await channelTenant(TYPES);
    const itsm = await withItsm(t);
    const { alertId, entityid } = await raise(t);
    for (const type of TYPES) await callsReach(type, alertId, 1);

    // The ITSM puts the ticket In Progress (state 2): the alert is acknowledged, and every channel told.
    await eventually(async () => (await get(t, `/api/v1/alerts/${alertId}`)).ticket);
    const sysid = itsm.mock.incidents[0].sys_id;
    const push = await gw.inject({
      method: 'POST',
      url: `/gbpipush/${t.customer}`,
      headers: { 'content-type': 'application/json', 'x-integration-token': itsm.token },
      payload: JSON.stringify({ state: 2, sysid }),
    });
    expect(push.statusCode).toBe(200);
    for (const type of TYPES) await callsReach(type, alertId, 2);

    await clear(t, entityid);
    for (const type of TYPES) await callsReach(type, alertId, 3);
    await drained(gw, QueueName.Events, QueueName.ItsmUpdates, QueueName.ChannelDeliveries);

    const calls = Object.fromEntries(TYPES.map((type) => [type, callsOf(type, alertId)])) as Record<
      ChannelService,
      ChannelCall[]
    >;
    for (const type of TYPES) {
      expect({ type, n: calls[type].length, ok: calls[type].every((c) => c.status < 300) }).toEqual({
        type,
        n: 3,
        ok: true,
      });
    }
    const pd = calls.PAGER_DUTY.map(body);
    expect(pd.map((b) => [b.event_action, b.dedup_key, b.routing_key])).toEqual([
      ['trigger', alertId, creds.pagerDutyRoutingKey],
      ['acknowledge', alertId, creds.pagerDutyRoutingKey],
      ['resolve', alertId, creds.pagerDutyRoutingKey],
    ]);
    expect(mocks.PAGER_DUTY.incidents.get(alertId)).toBe('resolved');
    const first = calls.SLACK[0].response as Json;
    expect(calls.SLACK.map((c) => [c.headers.authorization, body(c).thread_ts])).toEqual([
      [`Bearer ${creds.slackToken}`, undefined],
      [`Bearer ${creds.slackToken}`, first.ts],
      [`Bearer ${creds.slackToken}`, first.ts],
    ]);
    expect(calls.OPS_GENIE.map((c) => c.path)).toEqual([
      '/v2/alerts',
      `/v2/alerts/${alertId}/acknowledge`,
      `/v2/alerts/${alertId}/close`,
    ]);
    expect(mocks.OPS_GENIE.incidents.get(alertId)).toBe('closed');
    expect(calls.VICTOR_OPS.map((c) => [body(c).message_type, body(c).entity_id])).toEqual([
      ['CRITICAL', alertId],
      ['ACKNOWLEDGEMENT', alertId],
      ['RECOVERY', alertId],
    ]);
    expect(calls.DATADOG.map((c) => [c.headers['dd-api-key'], body(c).aggregation_key])).toEqual(
      Array(3).fill([creds.datadogApiKey, alertId]),
    );
    expect(calls.NEW_RELIC.map((c) => (c.body as Json[])[0].change)).toEqual(['open', 'acknowledge', 'resolve']);
    // The webhook's signature, checked by the Standard Webhooks package (not Sluice's code).
    const verifier = new Webhook(webhookSecret);
    const payloads = calls.WEBHOOK.map((c) => verifier.verify(c.rawBody, webhookHeaders(c)) as Json);
    expect(payloads.map((p) => [p.type, p.data.alert.id])).toEqual([
      ['alert.open', alertId],
      ['alert.acknowledge', alertId],
      ['alert.resolve', alertId],
    ]);

    // Recorded: three DELIVERED per integration, with the receiver's status and the key sent.
    for (const type of TYPES) {
      const rows = (await deliveries(t, type)).filter((d) => d.alertId === alertId);
      expect(rows.map((d) => [d.change, d.status, d.attempt])).toEqual([
        ['RESOLVE', 'DELIVERED', 1],
        ['ACKNOWLEDGE', 'DELIVERED', 1],
        ['OPEN', 'DELIVERED', 1],
      ]);
      expect(rows.map((d) => d.responseCode).reverse()).toEqual(calls[type].map((c) => c.status));
    }
    const keys = (await deliveries(t, 'PAGER_DUTY')).map((d) => d.idempotencyKey);
    expect(keys).toEqual([alertId, alertId, alertId]);
    const webhookKeys = (await deliveries(t, 'WEBHOOK')).map((d) => d.idempotencyKey).reverse();
    expect(webhookKeys).toEqual(calls.WEBHOOK.map((c) => c.headers['webhook-id']));

    // The alert's history names every delivery.
    const history = await channelHistory(t, alertId);
    expect(history).toHaveLength(21);
    for (const type of TYPES) {
      for (const change of ['open', 'acknowledge', 'resolve']) {
        expect(
          history.filter((h) => h.source === `channel:${type}` && h.note.startsWith(`${type} ${change}: DELIVERED`)),
        ).toHaveLength(1);
      }
    }
  });

  // ---------------------------------------------------------------- retries

  it('500 then 200: delivered once, both attempts recorded', async () => {
    const t = await channelTenant(['PAGER_DUTY']);
    mocks.PAGER_DUTY.failNext(1, { status: 500 });
    const { alertId } = await raise(t);
    const calls = await callsReach('PAGER_DUTY', alertId, 2);
    await drained(gw, QueueName.ChannelDeliveries);
    expect(calls.map((c) => c.status)).toEqual([500, 202]);
    expect(mocks.PAGER_DUTY.incidents.get(alertId)).toBe('triggered');
    const rows = await deliveries(t, 'PAGER_DUTY');
    expect(rows.map((d) => [d.status, d.attempt, d.responseCode])).toEqual([
      ['DELIVERED', 2, 202],
      ['RETRYING', 1, 500],
    ]);
    expect(rows[1].error).toMatch(/500/);
  });

  it('429 with Retry-After: the next try waits as long as the receiver asked', async () => {
    const t = await channelTenant(['OPS_GENIE']);
    mocks.OPS_GENIE.failNext(1, { status: 429, retryAfter: '2' });
    const { alertId } = await raise(t);
    const calls = await callsReach('OPS_GENIE', alertId, 2);
    expect(calls.map((c) => c.status)).toEqual([429, 202]);
    // NOTIFIER_RETRY_BASE_MS is 100 here: only Retry-After explains two seconds.
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(1900);
    await drained(gw, QueueName.ChannelDeliveries);
    expect((await deliveries(t, 'OPS_GENIE')).map((d) => [d.status, d.responseCode])).toEqual([
      ['DELIVERED', 202],
      ['RETRYING', 429],
    ]);
  });

  it('400: not retried; FAILED in deliveries and in the alert history with the receiver’s answer', async () => {
    const t = await channelTenant(['VICTOR_OPS']);
    mocks.VICTOR_OPS.failNext(1, { status: 400, body: { result: 'failure', message: 'message_type is missing' } });
    const { alertId } = await raise(t);
    await callsReach('VICTOR_OPS', alertId, 1);
    await drained(gw, QueueName.ChannelDeliveries);
    expect(callsOf('VICTOR_OPS', alertId)).toHaveLength(1);
    const [row] = await deliveries(t, 'VICTOR_OPS');
    expect(row).toMatchObject({ alertId, change: 'OPEN', status: 'FAILED', attempt: 1, responseCode: 400 });
    expect(row.error).toMatch(/400/);
    const history = await channelHistory(t, alertId);
    expect(history).toEqual([
      expect.objectContaining({
        source: 'channel:VICTOR_OPS',
        note: expect.stringMatching(/^VICTOR_OPS open: FAILED \(400/),
      }),
    ]);
  });

  it('a job run again after a crash: no second notification, or the same one with the same key', async () => {
    const t = await channelTenant(['WEBHOOK']);
    const { alertId } = await raise(t);
    const [first] = await callsReach('WEBHOOK', alertId, 1);
    await drained(gw, QueueName.ChannelDeliveries);
    const integrationId = (await gw.prisma.channelIntegration.findFirst({ where: { customerId: t.customer } }))!.id;
    const thread = await gw.prisma.channelThread.findUniqueOrThrow({
      where: { integrationId_alertId: { integrationId, alertId } },
    });
    const data = {
      kind: 'change',
      integrationId,
      customerId: t.customer,
      alertId,
      change: 'open',
      severity: 5,
      count: 1,
      seq: thread.done,
      occurredAt: new Date(Date.parse('2024-05-01T12:00:00Z')).toISOString(),
    };
    // Run again after it concluded: nothing is sent.
    await gw.queue(QueueName.ChannelDeliveries).add('change', data, { jobId: uniqueId('again') });
    await drained(gw, QueueName.ChannelDeliveries);
    expect(callsOf('WEBHOOK', alertId)).toHaveLength(1);

    // Crashed after the call, before it was recorded: sent again, the same message (id, body).
    await gw.prisma.channelThread.update({
      where: { integrationId_alertId: { integrationId, alertId } },
      data: { done: thread.done - 1 },
    });
    await gw.queue(QueueName.ChannelDeliveries).add('change', data, { jobId: uniqueId('crashed') });
    const [, second] = await callsReach('WEBHOOK', alertId, 2);
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.rawBody).toBe(first.rawBody);
  });

  // ---------------------------------------------------------------- thresholds and switches

  it('minSeverity and enabled: below the threshold nothing; a disabled integration never; acknowledge/resolve to the told ones only', async () => {
    const t = await channelTenant(['PAGER_DUTY', 'SLACK', 'DATADOG'], {
      PAGER_DUTY: { minSeverity: 5 },
      SLACK: { enabled: false },
      DATADOG: { minSeverity: 3 },
    });
    // major (4): Datadog only; then it rises to critical (5): PagerDuty hears of the rise.
    const { alertId, entityid } = await raise(t, { severity: 'major' });
    await callsReach('DATADOG', alertId, 1);
    await drained(gw, QueueName.ChannelDeliveries);
    expect(callsOf('PAGER_DUTY', alertId)).toHaveLength(0);
    await publish(t, 'allevents', [
      event(t.customer, { entityid, severity: 'critical', firstoccurrence: '2024-05-01T12:05:00Z' }),
    ]);
    await callsReach('PAGER_DUTY', alertId, 1);
    await callsReach('DATADOG', alertId, 2);
    await clear(t, entityid);
    await callsReach('PAGER_DUTY', alertId, 2);
    await callsReach('DATADOG', alertId, 3);
    await drained(gw, QueueName.Events, QueueName.ChannelDeliveries);
    expect(callsOf('PAGER_DUTY', alertId).map((c) => body(c).event_action)).toEqual(['trigger', 'resolve']);
    expect(callsOf('SLACK', alertId)).toHaveLength(0);
    expect((await deliveries(t, 'DATADOG')).map((d) => d.change)).toEqual(['RESOLVE', 'RISE', 'OPEN']);
    expect(await deliveries(t, 'SLACK')).toEqual([]);
  });

  // ---------------------------------------------------------------- test route

  it('POST …/test sends now and answers the receiver’s status; a shut-down service is REFUSED; all recorded', async () => {
    const t = await channelTenant(['WEBHOOK', 'PAGER_DUTY']);
    const put = await gw.inject({
      method: 'PUT',
      url: integrationsUrl(t.customer, 'HIP_CHAT'),
      headers: superadmin,
      payload: { type: 'HIP_CHAT', notificationToken: secret('hc'), roomName: 'ops' },
    });
    expect(put.statusCode).toBe(200);
    const test = (type: string) =>
      gw.inject({ method: 'POST', url: `${integrationsUrl(t.customer, type)}/test`, headers: superadmin });

    const ok = await test('WEBHOOK');
    answers.push(ok.body);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({
      status: 'DELIVERED',
      responseCode: 204,
      error: null,
      idempotencyKey: expect.any(String),
    });
    const [call] = mocks.WEBHOOK.calls.filter((c) => c.headers['webhook-id'] === ok.json<Json>().idempotencyKey);
    expect((new Webhook(webhookSecret).verify(call.rawBody, webhookHeaders(call)) as Json).type).toBe('alert.test');

    mocks.PAGER_DUTY.failNext(1, { status: 500 });
    const failed = await test('PAGER_DUTY');
    answers.push(failed.body);
    expect(failed.statusCode).toBe(200);
    expect(failed.json()).toMatchObject({ status: 'FAILED', responseCode: 500 });

    const refused = await test('HIP_CHAT');
    answers.push(refused.body);
    expect(refused.json()).toMatchObject({
      status: 'REFUSED',
      responseCode: null,
      error: expect.stringMatching(/shut down/),
    });

    const enveloped = await gw.inject({
      method: 'POST',
      url: `${integrationsUrl(t.customer, 'WEBHOOK')}/test?envelope=true`,
      headers: superadmin,
    });
    expect(enveloped.json()).toMatchObject({ status: 200, content: { status: 'DELIVERED' } });

    expect((await deliveries(t, 'WEBHOOK')).map((d) => [d.change, d.status, d.alertId])).toEqual([
      ['TEST', 'DELIVERED', null],
      ['TEST', 'DELIVERED', null],
    ]);
    expect((await deliveries(t, 'HIP_CHAT' as ChannelService)).map((d) => [d.change, d.status])).toEqual([
      ['TEST', 'REFUSED'],
    ]);
    const none = await gw.inject({
      method: 'POST',
      url: `${integrationsUrl(t.customer, 'SLACK')}/test`,
      headers: superadmin,
    });
    expect(none.statusCode).toBe(404);
  });

  it("tenancy: another customer's admin gets 403 on test and deliveries; the customer's own admin may", async () => {
    const t = await channelTenant(['WEBHOOK']);
    const other = await tenant(gw, { isAdmin: true });
    const own = await apiUser(gw, [t.customer], { isAdmin: true });
    for (const [method, path] of [
      ['POST', 'WEBHOOK/test'],
      ['GET', 'WEBHOOK/deliveries'],
    ] as const) {
      const url = `${integrationsUrl(t.customer)}/${path}`;
      expect((await gw.inject({ method, url, headers: other.auth })).statusCode).toBe(403);
      expect((await gw.inject({ method, url, headers: t.auth })).statusCode).toBe(403);
      expect((await gw.inject({ method, url, headers: own.auth })).statusCode).toBe(200);
    }
  });

  // ---------------------------------------------------------------- ingestion is never held up

  it('every receiver down or slow: publishing answers 200 and alerts are committed while deliveries still wait', async () => {
    const t = await channelTenant(TYPES);
    for (const type of TYPES) mocks[type].failNext(3, { delayMs: 3000, status: 503 });
    const entityids = Array.from({ length: 20 }, () => uniqueId('host'));
    for (const entityid of entityids) await publish(t, 'allevents', [event(t.customer, { entityid })]);
    await drained(gw, QueueName.Events);
    expect(await gw.prisma.alert.count({ where: { envcustomerid: t.customer } })).toBe(20);
    const pending = await gw.queue(QueueName.ChannelDeliveries).getJobCounts('wait', 'active', 'delayed');
    expect(pending.wait + pending.active + pending.delayed).toBeGreaterThan(0);

    // Once the receivers answer again, every alert reaches every integration: sent, or held for a digest.
    await drained(gw, QueueName.ChannelDeliveries);
    for (const type of TYPES) {
      const rows = await deliveries(t, type);
      const alertRows = rows.filter((d) => d.alertId !== null && ['DELIVERED', 'HELD'].includes(d.status as string));
      const reached = new Set(alertRows.map((d) => d.alertId));
      expect({ type, reached: reached.size }).toEqual({ type, reached: 20 });
    }
  });

  // ---------------------------------------------------------------- secrets

  it('no secret in any answer or captured log line', () => {
    const captured = logs.text();
    const text = [...answers, captured].join('\n');
    expect(captured).toMatch(/channel-deliveries/);
    for (const s of secrets) expect(text.includes(s)).toBe(false);
  });
});
