import { randomBytes } from 'node:crypto';

import type { INestApplicationContext } from '@nestjs/common';

import { QueueName } from '@sluice/queue';

import { DEFAULT_RATES } from '../../apps/worker/src/channels/channel-rates';
import { apiUser, event, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import type { ChannelCall, ChannelCredentials, ChannelService, MockChannel } from '../helpers/mock-channels';
import { startMockChannels } from '../helpers/mock-channels';
import { PENDING } from '../helpers/queues';
import { publish, tenant } from '../helpers/tenant';
import { eventually, startWorker } from '../helpers/worker';

/**
 * Spec §9's storm: 500 alerts of one customer open in a burst, with a Slack and a PagerDuty
 * integration. Each integration sends at its service's documented rate (channel-rates.ts) and
 * holds the rest for a digest (the window is 1 s here instead of 30 s): every alert is accounted
 * for in `channel_deliveries` (DELIVERED, or HELD and counted in a digest the receiver got), and
 * no receiver sees more calls than its bucket allows over the time it was called.
 */

const creds: ChannelCredentials = {
  pagerDutyRoutingKey: `pd-${randomBytes(8).toString('hex')}`,
  slackToken: `xoxb-${randomBytes(8).toString('hex')}`,
  datadogApiKey: 'unused',
  newRelicAccountId: '1',
  newRelicInsertKey: 'unused',
  opsGenieKey: 'unused',
  victorOpsApiKey: 'unused',
  victorOpsRoutingKey: 'unused',
};
const ALERTS = 500;
const WINDOW_MS = 1000;

describe('notification channels: an alert storm (spec §9)', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;
  let mocks: Record<ChannelService, MockChannel>;

  beforeAll(async () => {
    mocks = await startMockChannels(creds);
    const urls = { CHANNEL_API_URL_PAGER_DUTY: mocks.PAGER_DUTY.url, CHANNEL_API_URL_SLACK: mocks.SLACK.url };
    gw = await startGateway();
    worker = await startWorker(gw.redisPrefix, { CHANNEL_DIGEST_WINDOW_MS: String(WINDOW_MS), ...urls });
  });
  afterAll(async () => {
    await worker?.close();
    await gw?.close();
    await Promise.all(Object.values(mocks ?? {}).map((m) => m.close()));
  });

  /** The number of changes a digest call says it holds ("[STORM] 480 alert changes …"). */
  function digestTotal(type: 'SLACK' | 'PAGER_DUTY', call: ChannelCall): number | undefined {
    const body = call.body as { text?: string; payload?: { summary?: string } };
    const text = type === 'SLACK' ? body.text : body.payload?.summary;
    const m = /\[STORM\] (\d+) alert changes/.exec(text ?? '');
    return m ? Number(m[1]) : undefined;
  }

  it('500 alerts in a burst: every one delivered or summarised, no receiver over its rate', async () => {
    const t = await tenant(gw);
    const superadmin = (await apiUser(gw, [], { isSuperadmin: true })).auth;
    for (const payload of [
      { type: 'SLACK', apiToken: creds.slackToken, teamName: 'ops', channelName: '#storm' },
      { type: 'PAGER_DUTY', serviceKey: creds.pagerDutyRoutingKey },
    ]) {
      const res = await gw.inject({
        method: 'PUT',
        url: `/api/public/v1.0/groups/${t.customer}/integrations/${payload.type}`,
        headers: superadmin,
        payload,
      });
      expect(res.statusCode).toBe(200);
    }

    for (let batch = 0; batch < 5; batch++) {
      const events = Array.from({ length: ALERTS / 5 }, () => event(t.customer, { entityid: uniqueId('host') }));
      await publish(t, 'allevents', events);
    }
    // Every event folded, every delivery and digest done (a minute at most).
    await eventually(
      async () => {
        let pending = 0;
        for (const q of [QueueName.Events, QueueName.ChannelDeliveries]) {
          const counts = await gw.queue(q).getJobCounts(...PENDING);
          pending += Object.values(counts).reduce((a, b) => a + b, 0);
        }
        return pending;
      },
      (n) => n === 0,
      60_000,
    );
    const alerts = await gw.prisma.alert.findMany({ where: { envcustomerid: t.customer }, select: { id: true } });
    expect(alerts).toHaveLength(ALERTS);

    for (const type of ['SLACK', 'PAGER_DUTY'] as const) {
      const integration = await gw.prisma.channelIntegration.findFirstOrThrow({
        where: { customerId: t.customer, type },
      });
      const rows = await gw.prisma.channelDelivery.findMany({ where: { integrationId: integration.id } });
      const delivered = rows.filter((r) => r.change === 'OPEN' && r.status === 'DELIVERED');
      const held = rows.filter((r) => r.change === 'OPEN' && r.status === 'HELD');
      const digests = rows.filter((r) => r.change === 'DIGEST');

      // Every alert accounted for, once.
      const accounted = [...delivered, ...held].map((r) => r.alertId);
      expect({ type, accounted: new Set(accounted).size, rows: accounted.length }).toEqual({
        type,
        accounted: ALERTS,
        rows: ALERTS,
      });
      expect(digests.length).toBeGreaterThan(0);
      expect(digests.every((d) => d.status === 'DELIVERED')).toBe(true);

      // The receiver got the digests, and they count every held alert.
      const calls = mocks[type].calls;
      const totals = calls.map((c) => digestTotal(type, c)).filter((n): n is number => n !== undefined);
      expect({ type, digests: totals.length, summarised: totals.reduce((a, b) => a + b, 0) }).toEqual({
        type,
        digests: digests.length,
        summarised: held.length,
      });
      expect(calls.length).toBe(delivered.length + digests.length);

      // No more calls than the bucket allows: `burst` at once, then `perMinute` spread over time.
      const rate = DEFAULT_RATES[type]!;
      const span = calls[calls.length - 1].at - calls[0].at;
      expect(calls.length).toBeLessThanOrEqual(rate.burst + Math.ceil((rate.perMinute * span) / 60_000) + 1);
      for (let i = 0; i < calls.length; i++) {
        const inMinute = calls.filter((c) => c.at >= calls[i].at && c.at < calls[i].at + 60_000).length;
        expect(inMinute).toBeLessThanOrEqual(rate.burst + rate.perMinute);
      }
    }
  }, 120_000);
});
