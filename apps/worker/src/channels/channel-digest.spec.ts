import { buildChannelRequest } from './channel-delivery';
import { digestNotice } from './channel-rate';
import type { BuiltRequest } from './channel-sender';
import type { ChannelConfig, DigestNotice } from './channel-types';

const T0 = Date.parse('2026-12-07T01:00:00Z');
const sample = (i: number, change = 'open', severity = 5) =>
  JSON.stringify({
    alertId: `alert-${i}`,
    change,
    severity,
    headline: `[CRITICAL] host${i}: CPU load`,
    occurredAt: new Date(T0 + i).toISOString(),
  });

/** A digest of 480 held changes, 30 named, as TAKE returns them. */
const digest = (over: Record<string, string> = {}): DigestNotice =>
  digestNotice(
    'int-1',
    new Map(
      Object.entries({
        total: '480',
        'c:open': '450',
        'c:escalate': '30',
        's:5': '400',
        's:3': '80',
        since: String(T0),
        first: String(T0),
        last: String(T0 + 59_000),
        customer: 'cust-1',
        ...over,
      }),
    ),
    Array.from({ length: 30 }, (_, i) => sample(i)),
    T0 + 60_000,
  );

const build = (config: ChannelConfig, notice: DigestNotice = digest()) => {
  const built = buildChannelRequest(
    config,
    notice,
    { slackTs: '1765.0001', slackChannel: 'C1' },
    {
      apiUrls: {},
      now: () => T0 + 60_000,
    },
  );
  if ('refused' in built) throw new Error(built.refused);
  return built;
};
const body = (b: BuiltRequest) => JSON.parse(b.request.body!) as Record<string, unknown>;
const ID = `digest:int-1:${T0}`;
const HEADLINE = '[STORM] 480 alert changes held over the rate (open 450, escalate 30)';

describe('digest notices: one summary message per service', () => {
  it('counts every held change and names the first ones', () => {
    const d = digest();
    expect(d).toMatchObject({ alertId: ID, change: 'digest', customerId: 'cust-1', severity: 5, count: 480 });
    expect(d.digest).toMatchObject({
      integrationId: 'int-1',
      total: 480,
      byChange: { open: 450, escalate: 30 },
      bySeverity: { '5': 400, '3': 80 },
      first: '2026-12-07T01:00:00.000Z',
      last: '2026-12-07T01:00:59.000Z',
      omitted: 450,
    });
    expect(d.digest.samples).toHaveLength(30);
  });

  it('PAGER_DUTY: one aggregate trigger keyed by the digest, not one incident per alert', () => {
    const b = build({ type: 'PAGER_DUTY', serviceKey: 'k' });
    expect(b.idempotencyKey).toBe(ID);
    expect(body(b)).toMatchObject({
      event_action: 'trigger',
      dedup_key: ID,
      payload: {
        summary: HEADLINE,
        severity: 'critical',
        custom_details: { change: 'digest', digest: { total: 480, by_change: { open: 450 }, omitted: 450 } },
      },
    });
    const details = (body(b).payload as { custom_details: { digest: { alert_ids: string[] }; details: string } })
      .custom_details;
    expect(details.digest.alert_ids).toHaveLength(30);
    expect(details.details).toContain('… and 460 more');
  });

  it('SLACK: a message of its own, in no alert thread, with the counts and the first alerts', () => {
    const b = build({ type: 'SLACK', apiToken: 'xoxb-1', teamName: 't', channelName: '#alerts' });
    expect(body(b)).not.toHaveProperty('thread_ts');
    expect(body(b)).toMatchObject({ channel: 'C1', metadata: { event_payload: { change: 'digest', alert_id: ID } } });
    const text = body(b).text as string;
    expect(text).toMatch(/^\[STORM\] 480 alert changes/);
    expect(text).toContain('By change: open 450, escalate 30');
    expect(text).toContain('By severity: critical 400');
    expect(text).toContain('- [CRITICAL] host0: CPU load (alert alert-0, open at 2026-12-07T01:00:00.000Z)');
  });

  it('OPS_GENIE and VICTOR_OPS: one alert / incident for the digest, counts in its details', () => {
    const og = build({ type: 'OPS_GENIE', apiKey: 'k' });
    expect(og.request.url).toBe('https://api.opsgenie.com/v2/alerts');
    expect(body(og)).toMatchObject({
      alias: ID,
      priority: 'P1',
      details: { change: 'digest', digestTotal: '480', digestByChange: '{"open":450,"escalate":30}' },
    });
    expect((body(og).message as string).length).toBeLessThanOrEqual(130);
    const vo = build({ type: 'VICTOR_OPS', apiKey: 'k' });
    expect(body(vo)).toMatchObject({ message_type: 'CRITICAL', entity_id: ID, sluice_digest_total: 480 });
    const mild = digest({ 's:5': '0', 's:3': '480' });
    expect(body(build({ type: 'VICTOR_OPS', apiKey: 'k' }, { ...mild, severity: 3 }))).toMatchObject({
      message_type: 'WARNING',
    });
  });

  it('DATADOG, NEW_RELIC and WEBHOOK: one event / message carrying the counts', () => {
    const dd = build({ type: 'DATADOG', apiKey: 'k' });
    expect(body(dd)).toMatchObject({ title: HEADLINE, alert_type: 'error', aggregation_key: ID });
    expect(body(dd).tags).toEqual(expect.arrayContaining(['change:digest', 'sluice_digest_total:480']));

    const nr = build({ type: 'NEW_RELIC', accountId: '1', licenseKey: 'l', writeToken: 'w', readToken: 'r' });
    expect((JSON.parse(nr.request.body!) as unknown[])[0]).toMatchObject({
      eventType: 'SluiceAlert',
      alertId: ID,
      change: 'digest',
      digestTotal: 480,
      digestByChange: '{"open":450,"escalate":30}',
    });

    const hook = build({ type: 'WEBHOOK', url: 'https://hooks.example/x', secret: 'shh' });
    expect(body(hook)).toMatchObject({
      type: 'alert.digest',
      data: { change: 'digest', summary: HEADLINE, digest: { total: 480, omitted: 450, byChange: { open: 450 } } },
    });
    expect(body(hook).data).not.toHaveProperty('alert');
    expect(hook.request.headers['webhook-signature']).toMatch(/^v1,/);
  });
});
