import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';

import { UnrecoverableError } from 'bullmq';
import { Webhook } from 'standardwebhooks';

import type { ChannelAttempt, ChannelDeliverySettings } from '../../apps/worker/src/channels/channel-delivery';
import { attemptFailure, sendChannelNotice } from '../../apps/worker/src/channels/channel-delivery';
import type {
  AlertChangeNotice,
  ChangeKind,
  ChannelConfig,
  ChannelState,
} from '../../apps/worker/src/channels/channel-types';
import { channelSecrets } from '../../apps/worker/src/channels/channel-types';
import { deliveryBackoff } from '../../apps/worker/src/delivery/delivery-backoff';
import { PermanentCallError, RetryableCallError } from '../../apps/worker/src/delivery/http-delivery';
import type { ChannelCall, ChannelCredentials, ChannelService, MockChannel } from '../helpers/mock-channels';
import { channelCredentials, startMockChannels } from '../helpers/mock-channels';

/**
 * Spec §9 delivery against real HTTP servers on loopback playing each service
 * (test/helpers/mock-channels.ts): for every type, open → the right call with the right
 * credential and body, acknowledge and resolve → the matching call with the same idempotency
 * key, a change sent again → the same notification; the classification of 500, 429
 * (Retry-After), 400, 200 `ok:false`, a slow answer and a dead receiver; the private-network
 * guard; secrets never in an error. Webhook signatures are checked with the npm
 * `standardwebhooks` package, not with Sluice's signing code.
 */

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const creds: ChannelCredentials = channelCredentials();
const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;

const TYPES: ChannelService[] = ['PAGER_DUTY', 'SLACK', 'DATADOG', 'NEW_RELIC', 'OPS_GENIE', 'VICTOR_OPS', 'WEBHOOK'];

describe('channel delivery against mock receivers (spec §9)', () => {
  let mocks: Record<ChannelService, MockChannel>;

  beforeAll(async () => {
    mocks = await startMockChannels(creds);
  });
  afterAll(async () => {
    await Promise.all(Object.values(mocks).map((m) => m.close()));
  });

  const settings = (over: Partial<ChannelDeliverySettings> = {}): ChannelDeliverySettings => ({
    allowPrivate: true,
    apiUrls: {
      PAGER_DUTY: mocks.PAGER_DUTY.url,
      SLACK: mocks.SLACK.url,
      DATADOG: mocks.DATADOG.url,
      NEW_RELIC: mocks.NEW_RELIC.url,
      OPS_GENIE: mocks.OPS_GENIE.url,
      VICTOR_OPS: mocks.VICTOR_OPS.url,
    },
    timeoutMs: 2000,
    ...over,
  });

  const configOf = (type: ChannelService): ChannelConfig => {
    switch (type) {
      case 'PAGER_DUTY':
        return { type, serviceKey: creds.pagerDutyRoutingKey };
      case 'SLACK':
        return { type, apiToken: creds.slackToken, teamName: 'ops', channelName: '#alerts' };
      case 'DATADOG':
        return { type, apiKey: creds.datadogApiKey, region: 'EU' };
      case 'NEW_RELIC':
        return {
          type,
          accountId: creds.newRelicAccountId,
          licenseKey: secret('nrlicense'),
          writeToken: creds.newRelicInsertKey,
          readToken: secret('nrquery'),
        };
      case 'OPS_GENIE':
        return { type, apiKey: creds.opsGenieKey, region: 'EU' };
      case 'VICTOR_OPS':
        return { type, apiKey: creds.victorOpsApiKey, routingKey: creds.victorOpsRoutingKey };
      case 'WEBHOOK':
        return { type, url: `${mocks.WEBHOOK.url}/hooks/sluice`, secret: webhookSecret };
    }
  };

  const notice = (alertId: string, change: ChangeKind): AlertChangeNotice => ({
    alertId,
    customerId: 'cust-ch',
    entity: 'db01',
    entityId: 'db01.prod',
    parameterCategory: 'disk',
    parameterId: 'used',
    parameterName: 'Disk used',
    splitBy: '/var',
    severity: change === 'resolve' ? 0 : 4,
    state: change === 'resolve' ? 'RESOLVED' : change === 'acknowledge' ? 'ACKNOWLEDGED' : 'OPEN',
    description: 'Disk above 90%',
    change,
    occurredAt: new Date(Date.now() - 1000).toISOString(),
    count: 2,
  });

  /** Sends open, acknowledge, resolve of one new alert, keeping state between them like the caller will. */
  async function lifecycle(type: ChannelService) {
    const alertId = randomUUID();
    const before = mocks[type].calls.length;
    let state: ChannelState = {};
    const attempts: ChannelAttempt[] = [];
    for (const change of ['open', 'acknowledge', 'resolve'] as const) {
      const attempt = await sendChannelNotice(configOf(type), notice(alertId, change), state, settings());
      attempts.push(attempt);
      state = { ...state, ...attempt.state };
    }
    return { alertId, attempts, calls: mocks[type].calls.slice(before), state };
  }

  const bodyOf = (c: ChannelCall) => c.body as Record<string, unknown>;

  describe.each(TYPES)('%s', (type) => {
    it('open, acknowledge, resolve: each delivered with the credential, the matching call and one idempotency key', async () => {
      const { alertId, attempts, calls, state } = await lifecycle(type);
      expect(attempts.map((a) => [a.outcome, a.error])).toEqual([
        ['delivered', null],
        ['delivered', null],
        ['delivered', null],
      ]);
      expect(calls).toHaveLength(3);
      expect(calls.every((c) => c.method === 'POST' && c.status >= 200 && c.status < 300)).toBe(true);
      expect(attempts.map((a) => a.status)).toEqual(calls.map((c) => c.status));
      const keys = attempts.map((a) => a.idempotencyKey);
      const [open, ack, resolve] = calls;

      switch (type) {
        case 'PAGER_DUTY':
          expect(calls.map((c) => c.path)).toEqual(Array(3).fill('/v2/enqueue'));
          expect(calls.map((c) => bodyOf(c).event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
          expect(calls.map((c) => bodyOf(c).dedup_key)).toEqual([alertId, alertId, alertId]);
          expect(calls.map((c) => bodyOf(c).routing_key)).toEqual(Array(3).fill(creds.pagerDutyRoutingKey));
          expect(open.response).toEqual({ status: 'success', message: 'Event processed', dedup_key: alertId });
          expect(mocks.PAGER_DUTY.incidents.get(alertId)).toBe('resolved');
          expect(keys).toEqual([alertId, alertId, alertId]);
          break;
        case 'SLACK': {
          expect(calls.map((c) => c.path)).toEqual(Array(3).fill('/api/chat.postMessage'));
          expect(calls.map((c) => c.headers.authorization)).toEqual(Array(3).fill(`Bearer ${creds.slackToken}`));
          const first = open.response as { ts: string; channel: string };
          expect(state).toEqual({ slackTs: first.ts, slackChannel: first.channel });
          expect(bodyOf(open)).not.toHaveProperty('thread_ts');
          expect([bodyOf(ack).thread_ts, bodyOf(resolve).thread_ts]).toEqual([first.ts, first.ts]);
          expect(mocks.SLACK.messages.filter((m) => m.thread_ts === first.ts)).toHaveLength(2);
          expect(new Set(keys).size).toBe(3);
          break;
        }
        case 'DATADOG':
          expect(calls.map((c) => c.path)).toEqual(Array(3).fill('/api/v1/events'));
          expect(calls.map((c) => c.headers['dd-api-key'])).toEqual(Array(3).fill(creds.datadogApiKey));
          expect(calls.map((c) => bodyOf(c).aggregation_key)).toEqual([alertId, alertId, alertId]);
          expect(calls.map((c) => bodyOf(c).alert_type)).toEqual(['error', 'info', 'success']);
          expect(open.status).toBe(202);
          expect(keys).toEqual([alertId, alertId, alertId]);
          break;
        case 'NEW_RELIC':
          expect(calls.map((c) => c.path)).toEqual(Array(3).fill(`/v1/accounts/${creds.newRelicAccountId}/events`));
          expect(calls.map((c) => c.headers['x-insert-key'])).toEqual(Array(3).fill(creds.newRelicInsertKey));
          expect(calls.map((c) => (c.body as Record<string, unknown>[])[0])).toEqual([
            expect.objectContaining({ eventType: 'SluiceAlert', alertId, change: 'open', changeKey: keys[0] }),
            expect.objectContaining({ eventType: 'SluiceAlert', alertId, change: 'acknowledge', changeKey: keys[1] }),
            expect.objectContaining({ eventType: 'SluiceAlert', alertId, change: 'resolve', changeKey: keys[2] }),
          ]);
          break;
        case 'OPS_GENIE':
          expect(calls.map((c) => c.headers.authorization)).toEqual(Array(3).fill(`GenieKey ${creds.opsGenieKey}`));
          expect(calls.map((c) => `${c.path}?${new URLSearchParams(c.query).toString()}`)).toEqual([
            '/v2/alerts?',
            `/v2/alerts/${alertId}/acknowledge?identifierType=alias`,
            `/v2/alerts/${alertId}/close?identifierType=alias`,
          ]);
          expect(bodyOf(open)).toMatchObject({ alias: alertId, priority: 'P2' });
          expect(calls.map((c) => c.status)).toEqual([202, 202, 202]);
          expect(mocks.OPS_GENIE.incidents.get(alertId)).toBe('closed');
          expect(keys).toEqual([alertId, alertId, alertId]);
          break;
        case 'VICTOR_OPS':
          expect(calls.map((c) => c.path)).toEqual(
            Array(3).fill(`/integrations/generic/20131114/alert/${creds.victorOpsApiKey}/${creds.victorOpsRoutingKey}`),
          );
          expect(calls.map((c) => bodyOf(c).message_type)).toEqual(['CRITICAL', 'ACKNOWLEDGEMENT', 'RECOVERY']);
          expect(calls.map((c) => bodyOf(c).entity_id)).toEqual([alertId, alertId, alertId]);
          expect(mocks.VICTOR_OPS.incidents.get(alertId)).toBe('resolved');
          expect(keys).toEqual([alertId, alertId, alertId]);
          break;
        case 'WEBHOOK': {
          expect(calls.map((c) => c.path)).toEqual(Array(3).fill('/hooks/sluice'));
          // Verified by the scheme's own verifier, with the secret as the receiver holds it.
          const verifier = new Webhook(webhookSecret);
          const payloads = calls.map((c) => verifier.verify(c.rawBody, headersOf(c)));
          expect(payloads).toEqual([
            expect.objectContaining({ type: 'alert.open', data: expect.objectContaining({ change: 'open' }) }),
            expect.objectContaining({ type: 'alert.acknowledge' }),
            expect.objectContaining({ type: 'alert.resolve' }),
          ]);
          expect(payloads.map((p) => (p as { data: { alert: { id: string } } }).data.alert.id)).toEqual([
            alertId,
            alertId,
            alertId,
          ]);
          expect(calls.map((c) => c.headers['webhook-id'])).toEqual(keys);
          expect(new Set(keys).size).toBe(3);
          break;
        }
      }
    });

    it('the same change sent again (a job run again after a crash) is the same notification to the receiver', async () => {
      const alertId = randomUUID();
      const n = notice(alertId, 'open');
      const first = await sendChannelNotice(configOf(type), n, {}, settings());
      const again = await sendChannelNotice(configOf(type), n, {}, settings({ now: () => Date.now() + 5000 }));
      expect([first.outcome, again.outcome]).toEqual(['delivered', 'delivered']);
      expect(again.idempotencyKey).toBe(first.idempotencyKey);
      const [a, b] = mocks[type].calls.slice(-2);
      expect(b.path).toBe(a.path);
      expect(b.rawBody).toBe(a.rawBody);
      if (type === 'WEBHOOK') {
        expect(b.headers['webhook-id']).toBe(a.headers['webhook-id']);
        const verifier = new Webhook(webhookSecret);
        expect(verifier.verify(b.rawBody, headersOf(b))).toEqual(verifier.verify(a.rawBody, headersOf(a)));
      }
      if (type === 'PAGER_DUTY') expect(mocks.PAGER_DUTY.incidents.get(alertId)).toBe('triggered');
    });
  });

  describe('classification of the answers', () => {
    const pd = () => configOf('PAGER_DUTY');

    it('500 then 200: the first try is retryable (status kept), the second delivers; one incident', async () => {
      const n = notice(randomUUID(), 'open');
      mocks.PAGER_DUTY.failNext(1, { status: 500, body: { status: 'error' } });
      const first = await sendChannelNotice(pd(), n, {}, settings());
      expect(first).toMatchObject({ outcome: 'retryable', status: 500, idempotencyKey: n.alertId });
      expect(first.error).toBe(`POST ${mocks.PAGER_DUTY.url}/v2/enqueue answered 500: {"status":"error"}`);
      const err = attemptFailure(first);
      expect(err).toBeInstanceOf(RetryableCallError);
      expect(err).not.toBeInstanceOf(UnrecoverableError);
      const second = await sendChannelNotice(pd(), n, {}, settings());
      expect(second).toMatchObject({ outcome: 'delivered', status: 202 });
      expect(attemptFailure(second)).toBeUndefined();
      expect(mocks.PAGER_DUTY.incidents.get(n.alertId)).toBe('triggered');
    });

    it('429 with Retry-After (seconds or an HTTP date): retryable, and the next delay is what it asked', async () => {
      mocks.SLACK.failNext(1, { status: 429, retryAfter: '7', body: { ok: false, error: 'ratelimited' } });
      const slack = await sendChannelNotice(configOf('SLACK'), notice(randomUUID(), 'open'), {}, settings());
      expect(slack).toMatchObject({ outcome: 'retryable', status: 429, retryAfterMs: 7000 });
      expect(deliveryBackoff(1, 100, attemptFailure(slack))).toBe(7000);

      const date = new Date(Date.now() + 30_000).toUTCString();
      mocks.PAGER_DUTY.failNext(1, { status: 429, retryAfter: date });
      const pdAttempt = await sendChannelNotice(pd(), notice(randomUUID(), 'open'), {}, settings());
      expect(pdAttempt).toMatchObject({ outcome: 'retryable', status: 429 });
      expect(pdAttempt.retryAfterMs).toBeGreaterThan(27_000);
      expect(pdAttempt.retryAfterMs).toBeLessThanOrEqual(30_000);

      // Datadog says when its window resets instead.
      mocks.DATADOG.failNext(1, { status: 429, headers: { 'x-ratelimit-reset': '12' } });
      const dd = await sendChannelNotice(configOf('DATADOG'), notice(randomUUID(), 'open'), {}, settings());
      expect(dd).toMatchObject({ outcome: 'retryable', status: 429, retryAfterMs: 12_000 });

      // Without any hint: the job's own exponential backoff.
      mocks.OPS_GENIE.failNext(1, { status: 503 });
      const og = await sendChannelNotice(configOf('OPS_GENIE'), notice(randomUUID(), 'open'), {}, settings());
      expect(og).toMatchObject({ outcome: 'retryable', status: 503 });
      expect(deliveryBackoff(3, 100, attemptFailure(og))).toBe(400);
    });

    it('400: permanent (an UnrecoverableError for BullMQ), the status and a short redacted error kept', async () => {
      // A receiver that echoes the request, key included.
      const echo = { status: 'invalid event', errors: [`routing_key ${creds.pagerDutyRoutingKey} rejected`] };
      mocks.PAGER_DUTY.failNext(1, { status: 400, body: echo });
      const attempt = await sendChannelNotice(pd(), notice(randomUUID(), 'open'), {}, settings());
      expect(attempt).toMatchObject({ outcome: 'permanent', status: 400 });
      expect(attempt.error).toBe(
        `POST ${mocks.PAGER_DUTY.url}/v2/enqueue answered 400: {"status":"invalid event","errors":["routing_key **** rejected"]}`,
      );
      const err = attemptFailure(attempt);
      expect(err).toBeInstanceOf(PermanentCallError);
      expect(err).toBeInstanceOf(UnrecoverableError);
      expect((err as PermanentCallError).status).toBe(400);

      // The mock's own checks: a wrong credential is a 4xx of the service, permanent too.
      const wrong = await sendChannelNotice(
        { type: 'DATADOG', apiKey: 'not-the-key' },
        notice(randomUUID(), 'open'),
        {},
        settings(),
      );
      expect(wrong).toMatchObject({ outcome: 'permanent', status: 403 });
      expect(wrong.error).not.toContain('not-the-key');
    });

    it("Slack's 200 ok:false is a failure with Slack's error; VictorOps' result:failure too, its keys redacted", async () => {
      const badChannel = await sendChannelNotice(
        configOf('SLACK'),
        notice(randomUUID(), 'acknowledge'),
        { slackTs: '1.2', slackChannel: 'C0NOSUCH' },
        settings(),
      );
      expect(badChannel).toMatchObject({ outcome: 'permanent', status: 200 });
      expect(badChannel.error).toMatch(/answered 200 ok:false: thread_not_found$/);

      const badToken = await sendChannelNotice(
        { type: 'SLACK', apiToken: 'xoxb-wrong', teamName: 't', channelName: '#a' },
        notice(randomUUID(), 'open'),
        {},
        settings(),
      );
      expect(badToken).toMatchObject({ outcome: 'permanent', status: 200 });
      expect(badToken.error).toMatch(/ok:false: invalid_auth$/);

      mocks.SLACK.failNext(1, { status: 200, body: { ok: false, error: 'internal_error' } });
      const transient = await sendChannelNotice(configOf('SLACK'), notice(randomUUID(), 'open'), {}, settings());
      expect(transient).toMatchObject({ outcome: 'retryable', status: 200 });

      const vo = await sendChannelNotice(
        { type: 'VICTOR_OPS', apiKey: creds.victorOpsApiKey, routingKey: 'nobody-routes-this' },
        notice(randomUUID(), 'open'),
        {},
        settings(),
      );
      expect(vo).toMatchObject({ outcome: 'permanent', status: 200 });
      expect(vo.error).toContain('result:failure: Unknown routing key');
      expect(vo.error).not.toContain(creds.victorOpsApiKey);
      expect(vo.error).not.toContain('nobody-routes-this');
    });

    it('a slow answer times out: retryable, no status; a dead receiver: retryable too', async () => {
      mocks.WEBHOOK.failNext(1, { delayMs: 1500 });
      const started = Date.now();
      const slow = await sendChannelNotice(
        configOf('WEBHOOK'),
        notice(randomUUID(), 'open'),
        {},
        settings({ timeoutMs: 300 }),
      );
      expect(Date.now() - started).toBeLessThan(1400);
      expect(slow).toMatchObject({ outcome: 'retryable', status: null });
      expect(slow.error).toMatch(/no answer within 300 ms/);
      expect(attemptFailure(slow)).toBeInstanceOf(RetryableCallError);

      const port = await freePort();
      const dead = await sendChannelNotice(
        pd(),
        notice(randomUUID(), 'open'),
        {},
        settings({ apiUrls: { PAGER_DUTY: `http://127.0.0.1:${port}` } }),
      );
      expect(dead).toMatchObject({ outcome: 'retryable', status: null });
      expect(dead.error).toMatch(/ECONNREFUSED/);
    });

    it('HIP_CHAT and FLOWDOCK: refused for good without a call, the reason naming the shutdown', async () => {
      for (const config of [
        { type: 'HIP_CHAT', notificationToken: secret('hc') },
        { type: 'FLOWDOCK', apiToken: secret('fd'), flowName: 'f', orgName: 'o' },
      ] as ChannelConfig[]) {
        const attempt = await sendChannelNotice(config, notice(randomUUID(), 'open'), {}, settings());
        expect(attempt).toMatchObject({ outcome: 'permanent', status: null, idempotencyKey: null });
        expect(attempt.error).toMatch(/shut down by its vendor/);
        expect(attemptFailure(attempt)).toBeInstanceOf(UnrecoverableError);
      }
    });
  });

  describe('the private-network guard (production: NOTIFIER_ALLOW_PRIVATE_NETWORKS off)', () => {
    it("refuses a tenant's webhook on loopback for good, before any call", async () => {
      const attempt = await sendChannelNotice(
        { type: 'WEBHOOK', url: `${mocks.WEBHOOK.url}/guarded`, secret: webhookSecret },
        notice(randomUUID(), 'open'),
        {},
        settings({ allowPrivate: false }),
      );
      expect(attempt).toMatchObject({ outcome: 'permanent', status: null });
      expect(attempt.error).toMatch(/private or loopback range/);
      expect(mocks.WEBHOOK.calls.filter((c) => c.path === '/guarded')).toEqual([]);
    });

    it("trusts the operator's CHANNEL_API_URL_<TYPE> (a proxy may be private)", async () => {
      const attempt = await sendChannelNotice(
        configOf('PAGER_DUTY'),
        notice(randomUUID(), 'open'),
        {},
        settings({ allowPrivate: false }),
      );
      expect(attempt.outcome).toBe('delivered');
    });
  });

  it('no secret of a configuration is in the error text, even when the receiver echoes them all', async () => {
    for (const type of TYPES) {
      const config = configOf(type);
      const own = channelSecrets(config);
      expect(own.length).toBeGreaterThan(0);
      const errors: string[] = [];
      for (const status of [400, 502]) {
        mocks[type].failNext(1, { status, body: { echo: own, quoted: JSON.stringify({ own }) } });
        const attempt = await sendChannelNotice(config, notice(randomUUID(), 'open'), {}, settings());
        expect([type, attempt.status]).toEqual([type, status]);
        errors.push(attempt.error ?? '');
      }
      expect(errors.join('\n')).toContain('****');
      for (const s of own) expect([type, errors.join('\n')]).not.toEqual([type, expect.stringContaining(s)]);
    }
  });
});

/** A request's headers as the verifier takes them. */
function headersOf(c: ChannelCall): Record<string, string> {
  return Object.fromEntries(Object.entries(c.headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
