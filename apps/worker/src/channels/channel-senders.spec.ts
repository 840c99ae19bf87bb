import { SHUT_DOWN_CHANNELS } from '@sluice/contracts';

import type { ChannelDeliverySettings } from './channel-delivery';
import { buildChannelRequest } from './channel-delivery';
import type { BuiltRequest } from './channel-sender';
import type { AlertChangeNotice, ChangeKind, ChannelConfig, ChannelState } from './channel-types';
import { signWebhook } from './standard-webhooks';

const NOW = Date.parse('2026-12-07T00:30:00Z');
const ALERT = '3f1c2d4e-0000-4000-8000-00000000a1e7';

const notice = (change: ChangeKind, over: Partial<AlertChangeNotice> = {}): AlertChangeNotice => ({
  alertId: ALERT,
  customerId: 'cust-1',
  entity: 'host1',
  entityId: 'host1.example.com',
  parameterCategory: 'cpu',
  parameterId: 'load',
  parameterName: 'CPU load',
  splitBy: 'core0',
  severity: change === 'resolve' ? 0 : 5,
  state: change === 'resolve' ? 'RESOLVED' : change === 'acknowledge' ? 'ACKNOWLEDGED' : 'OPEN',
  description: 'CPU > 95%',
  change,
  occurredAt: '2026-12-07T00:29:00.000Z',
  count: 3,
  ...over,
});

const build = (
  config: ChannelConfig,
  change: ChangeKind,
  state: ChannelState = {},
  apiUrls: ChannelDeliverySettings['apiUrls'] = {},
) => {
  const built = buildChannelRequest(config, notice(change), state, { apiUrls, now: () => NOW });
  if ('refused' in built) throw new Error(built.refused);
  return built;
};
const body = (b: BuiltRequest) => JSON.parse(b.request.body!) as Record<string, unknown>;
const CHANGES: ChangeKind[] = ['open', 'acknowledge', 'resolve'];

describe('channel senders: the request of each service for each change', () => {
  it('PAGER_DUTY: Events v2 trigger / acknowledge / resolve with the alert id as dedup_key, routing_key in the body', () => {
    const config: ChannelConfig = { type: 'PAGER_DUTY', serviceKey: 'pd-routing-key-0123456789abcdef' };
    const [open, ack, resolve] = CHANGES.map((c) => build(config, c));
    for (const b of [open, ack, resolve]) {
      expect(b.request).toMatchObject({ method: 'POST', url: 'https://events.pagerduty.com/v2/enqueue' });
      expect(b.request.headers).toMatchObject({ 'content-type': 'application/json' });
      expect(b.request.headers).not.toHaveProperty('authorization');
      expect(b.idempotencyKey).toBe(ALERT);
    }
    expect(body(open)).toMatchObject({
      routing_key: 'pd-routing-key-0123456789abcdef',
      event_action: 'trigger',
      dedup_key: ALERT,
      payload: {
        summary: '[CRITICAL] host1: CPU load (core0)',
        source: 'host1',
        severity: 'critical',
        timestamp: '2026-12-07T00:29:00.000Z',
        component: 'CPU load',
        group: 'cpu',
        class: 'load',
        custom_details: { alert_id: ALERT, customer: 'cust-1', change: 'open' },
      },
      client: 'Sluice',
    });
    expect(body(ack)).toEqual({ routing_key: config.serviceKey, event_action: 'acknowledge', dedup_key: ALERT });
    expect(body(resolve)).toEqual({ routing_key: config.serviceKey, event_action: 'resolve', dedup_key: ALERT });
    expect(build({ ...config, region: 'EU' }, 'open').request.url).toBe('https://events.eu.pagerduty.com/v2/enqueue');
    expect(build(config, 'open', {}, { PAGER_DUTY: 'http://127.0.0.1:9000' }).request.url).toBe(
      'http://127.0.0.1:9000/v2/enqueue',
    );
    expect(body(build(config, 'reopen'))).toMatchObject({ event_action: 'trigger', dedup_key: ALERT });
    expect(body(build(config, 'escalate'))).toMatchObject({ event_action: 'trigger', dedup_key: ALERT });
  });

  it('SLACK: chat.postMessage with the Bearer token; later changes in the first message thread', () => {
    const config: ChannelConfig = { type: 'SLACK', apiToken: 'xoxb-1-2-abc', teamName: 'ops', channelName: '#alerts' };
    const open = build(config, 'open');
    expect(open.request).toMatchObject({ method: 'POST', url: 'https://slack.com/api/chat.postMessage' });
    expect(open.request.headers).toMatchObject({
      authorization: 'Bearer xoxb-1-2-abc',
      'content-type': 'application/json; charset=utf-8',
    });
    expect(body(open)).toMatchObject({
      channel: '#alerts',
      metadata: { event_type: 'sluice_alert_change', event_payload: { alert_id: ALERT, change: 'open' } },
    });
    expect(body(open).text).toMatch(/^\[CRITICAL\] host1: CPU load \(core0\)\n/);
    expect(body(open)).not.toHaveProperty('thread_ts');

    const state = { slackTs: '1765000001.000101', slackChannel: 'C0ALERTS' };
    const ack = build(config, 'acknowledge', state);
    const resolve = build(config, 'resolve', state);
    expect(body(ack)).toMatchObject({ channel: 'C0ALERTS', thread_ts: state.slackTs, reply_broadcast: false });
    expect(body(resolve)).toMatchObject({ channel: 'C0ALERTS', thread_ts: state.slackTs, reply_broadcast: true });
    expect(body(resolve).text).toMatch(/^\[RESOLVED\] host1/);
    // One key per change, the same each time that change is built again.
    expect(new Set([open, ack, resolve].map((b) => b.idempotencyKey)).size).toBe(3);
    expect(build(config, 'open').idempotencyKey).toBe(open.idempotencyKey);
    expect(() => build({ ...config, channelName: undefined }, 'open')).toThrow(/no channelName/);
    // An alert's text cannot ping the channel.
    const loud = buildChannelRequest(
      config,
      notice('open', { description: '<!channel> disk & co' }),
      {},
      { apiUrls: {} },
    );
    expect(body(loud as BuiltRequest).text).toContain('&lt;!channel&gt; disk &amp; co');
  });

  it('DATADOG: events v1 with DD-API-KEY on the region site, one aggregation_key per alert', () => {
    const config: ChannelConfig = { type: 'DATADOG', apiKey: 'dd-key', region: 'EU' };
    const [open, ack, resolve] = CHANGES.map((c) => build(config, c));
    expect(open.request).toMatchObject({ method: 'POST', url: 'https://api.datadoghq.eu/api/v1/events' });
    expect(open.request.headers).toMatchObject({ 'dd-api-key': 'dd-key', 'content-type': 'application/json' });
    expect(body(open)).toMatchObject({
      title: '[CRITICAL] host1: CPU load (core0)',
      alert_type: 'error',
      aggregation_key: ALERT,
      date_happened: Date.parse('2026-12-07T00:29:00Z') / 1000,
      host: 'host1',
    });
    expect(body(open).tags).toEqual(expect.arrayContaining([`sluice_alert:${ALERT}`, 'change:open']));
    expect(body(ack)).toMatchObject({ alert_type: 'info', aggregation_key: ALERT });
    expect(body(resolve)).toMatchObject({ alert_type: 'success', aggregation_key: ALERT });
    expect([open, ack, resolve].map((b) => b.idempotencyKey)).toEqual([ALERT, ALERT, ALERT]);
    expect(build({ ...config, region: 'US' }, 'open').request.url).toBe('https://api.datadoghq.com/api/v1/events');
    expect(build({ ...config, region: 'US5' }, 'open').request.url).toBe('https://api.us5.datadoghq.com/api/v1/events');
  });

  it('NEW_RELIC: Event API with the insert key, the account id in the path, the region collector', () => {
    const config: ChannelConfig = {
      type: 'NEW_RELIC',
      accountId: '1234567',
      licenseKey: 'nr-license',
      writeToken: 'nr-insert',
      readToken: 'nr-query',
      region: 'EU',
    };
    const [open, , resolve] = CHANGES.map((c) => build(config, c));
    expect(open.request).toMatchObject({
      method: 'POST',
      url: 'https://insights-collector.eu01.nr-data.net/v1/accounts/1234567/events',
    });
    expect(open.request.headers).toMatchObject({ 'x-insert-key': 'nr-insert', 'content-type': 'application/json' });
    expect(open.request.headers).not.toHaveProperty('api-key');
    const [event] = JSON.parse(open.request.body!) as Record<string, unknown>[];
    expect(event).toMatchObject({
      eventType: 'SluiceAlert',
      alertId: ALERT,
      change: 'open',
      severity: 5,
      severityName: 'critical',
      timestamp: Date.parse('2026-12-07T00:29:00Z') / 1000,
      changeKey: open.idempotencyKey,
    });
    expect((JSON.parse(resolve.request.body!) as Record<string, unknown>[])[0]).toMatchObject({
      alertId: ALERT,
      change: 'resolve',
      state: 'RESOLVED',
    });
    expect(build({ ...config, region: undefined }, 'open').request.url).toBe(
      'https://insights-collector.newrelic.com/v1/accounts/1234567/events',
    );
    expect(build({ ...config, writeToken: '' }, 'open').request.headers).toMatchObject({ 'api-key': 'nr-license' });
  });

  it('OPS_GENIE: Alert API v2 create / acknowledge / close by alias, GenieKey auth', () => {
    const config: ChannelConfig = { type: 'OPS_GENIE', apiKey: 'og-key', region: 'EU' };
    const [open, ack, resolve] = CHANGES.map((c) => build(config, c));
    for (const b of [open, ack, resolve]) {
      expect(b.request.method).toBe('POST');
      expect(b.request.headers).toMatchObject({ authorization: 'GenieKey og-key' });
      expect(b.idempotencyKey).toBe(ALERT);
    }
    expect(open.request.url).toBe('https://api.eu.opsgenie.com/v2/alerts');
    expect(body(open)).toMatchObject({
      message: '[CRITICAL] host1: CPU load (core0)',
      alias: ALERT,
      priority: 'P1',
      source: 'Sluice',
      entity: 'host1',
    });
    expect(ack.request.url).toBe(`https://api.eu.opsgenie.com/v2/alerts/${ALERT}/acknowledge?identifierType=alias`);
    expect(resolve.request.url).toBe(`https://api.eu.opsgenie.com/v2/alerts/${ALERT}/close?identifierType=alias`);
    expect(body(resolve)).toMatchObject({ source: 'Sluice' });
    const long = buildChannelRequest(config, notice('open', { entity: 'h'.repeat(300) }), {}, { apiUrls: {} });
    expect((body(long as BuiltRequest).message as string).length).toBeLessThanOrEqual(130);
  });

  it('VICTOR_OPS: REST endpoint with the keys in the path, CRITICAL / ACKNOWLEDGEMENT / RECOVERY on one entity_id', () => {
    const config: ChannelConfig = { type: 'VICTOR_OPS', apiKey: 'vo-key', routingKey: 'ops team' };
    const [open, ack, resolve] = CHANGES.map((c) => build(config, c));
    for (const b of [open, ack, resolve]) {
      expect(b.request).toMatchObject({
        method: 'POST',
        url: 'https://alert.victorops.com/integrations/generic/20131114/alert/vo-key/ops%20team',
      });
      expect(b.idempotencyKey).toBe(ALERT);
      expect(body(b)).toMatchObject({ entity_id: ALERT, monitoring_tool: 'Sluice' });
    }
    expect([open, ack, resolve].map((b) => body(b).message_type)).toEqual(['CRITICAL', 'ACKNOWLEDGEMENT', 'RECOVERY']);
    expect(body(build(config, 'test')).message_type).toBe('INFO');
    expect(build({ ...config, routingKey: undefined }, 'open').request.url).toMatch(/\/alert\/vo-key\/everyone$/);
  });

  it('WEBHOOK: a JSON body of the alert and the change, Standard Webhooks headers, webhook-id stable per change', () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const config: ChannelConfig = { type: 'WEBHOOK', url: 'https://hooks.example/sluice?x=1', secret };
    const [open, ack, resolve] = CHANGES.map((c) => build(config, c));
    expect(open.request).toMatchObject({ method: 'POST', url: 'https://hooks.example/sluice?x=1' });
    const id = open.request.headers['webhook-id'];
    expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(open.idempotencyKey).toBe(id);
    expect(open.request.headers['webhook-timestamp']).toBe(String(NOW / 1000));
    expect(open.request.headers['webhook-signature']).toBe(signWebhook(secret, id, NOW / 1000, open.request.body!));
    expect(body(open)).toMatchObject({
      type: 'alert.open',
      timestamp: '2026-12-07T00:29:00.000Z',
      data: { change: 'open', alert: { id: ALERT, customerId: 'cust-1', severity: 5, severityName: 'critical' } },
    });
    expect(body(resolve)).toMatchObject({ type: 'alert.resolve', data: { alert: { state: 'RESOLVED' } } });
    expect(new Set([open, ack, resolve].map((b) => b.idempotencyKey)).size).toBe(3);
    // A retry: same id and body, its own timestamp and signature.
    const again = buildChannelRequest(config, notice('open'), {}, { apiUrls: {}, now: () => NOW + 60_000 });
    expect((again as BuiltRequest).request.headers['webhook-id']).toBe(id);
    expect((again as BuiltRequest).request.body).toBe(open.request.body);
    expect((again as BuiltRequest).request.headers['webhook-timestamp']).toBe(String(NOW / 1000 + 60));
    // The operator's override moves the services' APIs, not a tenant's webhook.
    expect(build(config, 'open', {}, { PAGER_DUTY: 'http://127.0.0.1:1' }).request.url).toBe(config.url);
    expect(build({ ...config, secret: undefined }, 'open').request.headers).not.toHaveProperty('webhook-signature');
  });

  it('HIP_CHAT and FLOWDOCK: refused, the reason saying the vendor shut the service down', () => {
    for (const config of [
      { type: 'HIP_CHAT', notificationToken: 't', roomName: 'r' },
      { type: 'FLOWDOCK', apiToken: 't', flowName: 'f', orgName: 'o' },
    ] as ChannelConfig[]) {
      const built = buildChannelRequest(config, notice('open'), {}, { apiUrls: {} });
      expect(built).toEqual({ refused: SHUT_DOWN_CHANNELS[config.type] });
      expect((built as { refused: string }).refused).toMatch(/shut down by its vendor/);
    }
    expect(SHUT_DOWN_CHANNELS.HIP_CHAT).toMatch(/2019-02-15/);
    expect(SHUT_DOWN_CHANNELS.FLOWDOCK).toMatch(/2022/);
  });

  it('test notifications page nobody where the service can tell: PagerDuty info, Opsgenie P5, VictorOps INFO', () => {
    const t = (config: ChannelConfig) => body(build(config, 'test'));
    expect(t({ type: 'PAGER_DUTY', serviceKey: 'k' })).toMatchObject({
      event_action: 'trigger',
      payload: { severity: 'info', summary: '[TEST] Sluice test notification' },
    });
    expect(t({ type: 'OPS_GENIE', apiKey: 'k' })).toMatchObject({ priority: 'P5' });
    expect(t({ type: 'VICTOR_OPS', apiKey: 'k' })).toMatchObject({ message_type: 'INFO' });
  });
});
