import { randomBytes } from 'node:crypto';

import Redis from 'ioredis';

import type { Admission, ChannelRef } from '../../apps/worker/src/channels/channel-rate';
import { ChannelRateLimiter } from '../../apps/worker/src/channels/channel-rate';
import type { ChannelRate } from '../../apps/worker/src/channels/channel-rates';
import { DEFAULT_RATES } from '../../apps/worker/src/channels/channel-rates';
import type { AlertChangeNotice, ChangeKind, DigestNotice } from '../../apps/worker/src/channels/channel-types';

/**
 * The storm policy on the run's Redis (a prefix of this file's own): the bucket, its refill, one
 * bucket for every process, a 500-alert storm all sent or summarised, and digests taken
 * concurrently. Time is a variable passed to the scripts, never a sleep.
 */
describe('channel rate and digests on Redis', () => {
  const url = process.env.REDIS_URL!;
  const prefix = `${process.env.REDIS_PREFIX}:${randomBytes(4).toString('hex')}`;
  const T0 = Date.UTC(2026, 11, 7, 1, 0);
  let clock = T0;
  let a: Redis;
  let b: Redis;

  beforeAll(() => {
    a = new Redis(url, { maxRetriesPerRequest: null });
    b = new Redis(url, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    const keys = await a.keys(`${prefix}:*`);
    if (keys.length) await a.del(...keys);
    a.disconnect();
    b.disconnect();
  });
  beforeEach(() => {
    clock = T0;
  });

  const SMALL: ChannelRate = { perMinute: 60, burst: 3, digestWindowMs: 1000 };
  const limiter = (redis: Redis, rates: Partial<Record<string, ChannelRate>> = { SLACK: SMALL }, sampleLimit = 1000) =>
    new ChannelRateLimiter(redis, { prefix, rates, sampleLimit, now: () => clock });
  const ref = (type: ChannelRef['type'] = 'SLACK'): ChannelRef => ({ id: randomBytes(6).toString('hex'), type });
  const notice = (i: number, change: ChangeKind = 'open', severity = 5): AlertChangeNotice => ({
    alertId: `alert-${i}`,
    customerId: 'cust-1',
    entity: `host${i}`,
    entityId: `h${i}`,
    parameterCategory: 'cpu',
    parameterId: 'load',
    parameterName: 'CPU load',
    splitBy: '',
    severity,
    state: change === 'resolve' ? 'RESOLVED' : change === 'acknowledge' ? 'ACKNOWLEDGED' : 'OPEN',
    description: null,
    change,
    occurredAt: new Date(T0 + i).toISOString(),
  });
  const verdicts = (list: Admission[]) => list.map((x) => x.verdict);

  it('admits the burst, then holds; the bucket refills with time; the held go out as one digest', async () => {
    const rl = limiter(a);
    const slack = ref();
    const first = [];
    for (let i = 0; i < 5; i++) first.push(await rl.admit(slack, notice(i)));
    expect(verdicts(first)).toEqual(['send', 'send', 'send', 'held', 'held']);
    expect(first[3]).toEqual({ verdict: 'held', digestInMs: 1000 });
    expect(await rl.takeDigest(slack)).toBeUndefined();
    expect(await rl.pendingDigest(slack)).toEqual({ held: 2, dueInMs: 1000 });

    // 1 s later a token is back, but nothing overtakes the held changes: held too, then the digest.
    clock = T0 + 1000;
    expect(await rl.admit(slack, notice(5))).toEqual({ verdict: 'held', digestInMs: 0 });
    const digest = (await rl.takeDigest(slack))!;
    expect(digest).toMatchObject({ change: 'digest', customerId: 'cust-1', severity: 5, count: 3 });
    expect(digest.digest).toMatchObject({ total: 3, byChange: { open: 3 }, bySeverity: { '5': 3 }, omitted: 0 });
    expect(digest.digest.samples.map((s) => s.alertId)).toEqual(['alert-3', 'alert-4', 'alert-5']);
    expect(digest.digest.samples[0].headline).toBe('[CRITICAL] host3: CPU load');
    expect(digest.alertId).toBe(`digest:${slack.id}:${T0}`);
    expect(await rl.takeDigest(slack)).toBeUndefined();
    expect(await rl.pendingDigest(slack)).toBeUndefined();

    // The digest took the refilled token; the next one comes a second later.
    expect((await rl.admit(slack, notice(6))).verdict).toBe('held');
    clock = T0 + 2000;
    expect((await rl.takeDigest(slack))!.digest.total).toBe(1);
    clock = T0 + 4000;
    expect((await rl.admit(slack, notice(7))).verdict).toBe('send');
    expect((await rl.admit(slack, notice(8))).verdict).toBe('send');
    expect((await rl.admit(slack, notice(9))).verdict).toBe('held');
  });

  it('two limiters on two connections (two worker processes) share one bucket per integration', async () => {
    const [one, two] = [limiter(a), limiter(b)];
    const slack = ref();
    const other = ref();
    expect((await one.admit(slack, notice(1))).verdict).toBe('send');
    expect((await two.admit(slack, notice(2))).verdict).toBe('send');
    expect((await one.admit(slack, notice(3))).verdict).toBe('send');
    expect((await two.admit(slack, notice(4))).verdict).toBe('held');
    expect((await two.admit(other, notice(5))).verdict).toBe('send');
    clock = T0 + 1000;
    expect((await one.takeDigest(slack))!.digest.samples.map((s) => s.alertId)).toEqual(['alert-4']);
    expect(await two.takeDigest(slack)).toBeUndefined();
  });

  it('a change admitted again (its job run again) gets the same answer and is counted once', async () => {
    const rl = limiter(a);
    const slack = ref();
    for (let i = 0; i < 3; i++) expect((await rl.admit(slack, notice(i))).verdict).toBe('send');
    expect((await rl.admit(slack, notice(0))).verdict).toBe('send');
    expect((await rl.admit(slack, notice(3))).verdict).toBe('held');
    expect((await rl.admit(slack, notice(3))).verdict).toBe('held');
    clock = T0 + 1000;
    expect((await rl.takeDigest(slack))!.digest.total).toBe(1);
  });

  it('500 alerts opening in one burst with a PagerDuty and a Slack integration: each sent or in exactly one digest', async () => {
    const rl = limiter(a, {}, 50);
    for (const type of ['PAGER_DUTY', 'SLACK'] as const) {
      const integration = ref(type);
      const rate = DEFAULT_RATES[type]!;
      const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => rl.admit(integration, notice(i))));
      const sent = answers.filter((x) => x.verdict === 'send').length;
      expect(sent).toBe(rate.burst);
      expect(answers.filter((x) => x.verdict === 'held')).toHaveLength(500 - sent);
      clock = T0 + rate.digestWindowMs;
      const digest = (await rl.takeDigest(integration))!;
      expect(digest.digest).toMatchObject({ total: 500 - sent, byChange: { open: 500 - sent }, omitted: 450 - sent });
      expect(digest.digest.samples).toHaveLength(50);
      expect(sent + digest.digest.total).toBe(500);
      expect(await rl.pendingDigest(integration)).toBeUndefined();
      clock = T0;
    }
  });

  it('a storm over a minute, digests taken as the wiring would: no 60 s carry more than burst + perMinute calls', async () => {
    const rl = limiter(a);
    const pd = ref('PAGER_DUTY');
    const rate = DEFAULT_RATES.PAGER_DUTY!;
    const calls: number[] = [];
    const sentIds: string[] = [];
    const digests: DigestNotice[] = [];
    let dueAt: number | undefined;
    // 500 opens, one every 120 ms (a minute), then two minutes for the last digest.
    for (let t = 0; t <= 180_000; t += 40) {
      clock = T0 + t;
      if (dueAt !== undefined && clock >= dueAt) {
        const digest = await rl.takeDigest(pd);
        if (digest) {
          digests.push(digest);
          calls.push(clock);
          dueAt = undefined;
        } else dueAt = clock + (await rl.pendingDigest(pd))!.dueInMs;
      }
      if (t % 120 !== 0 || t / 120 >= 500) continue;
      const i = t / 120;
      const answer = await rl.admit(pd, notice(i));
      if (answer.verdict === 'send') {
        calls.push(clock);
        sentIds.push(`alert-${i}`);
      } else if (answer.verdict === 'held') dueAt ??= clock + answer.digestInMs;
      else throw new Error(`unexpected ${answer.verdict}`);
    }
    const summarised = digests.flatMap((d) => d.digest.samples.map((s) => s.alertId));
    expect(sentIds.length + digests.reduce((n, d) => n + d.digest.total, 0)).toBe(500);
    expect(new Set([...sentIds, ...summarised]).size).toBe(500);
    expect(digests.length).toBeGreaterThan(0);
    for (const start of calls) {
      const inWindow = calls.filter((c) => c >= start && c < start + 60_000).length;
      expect(inWindow).toBeLessThanOrEqual(rate.burst + rate.perMinute);
    }
  });

  it('takeDigest from two clients at once never returns a held change twice', async () => {
    const [one, two] = [limiter(a), limiter(b)];
    const slack = ref();
    const taken: DigestNotice[] = [];
    let next = 0;
    let sent = 0;
    for (let round = 0; round < 20; round++) {
      // Both processes hold changes while both take digests, all at once.
      const batch = Array.from({ length: 15 }, () => next++);
      const results = await Promise.all([
        ...batch.map((i) => (i % 2 ? one : two).admit(slack, notice(i))),
        one.takeDigest(slack),
        two.takeDigest(slack),
        one.takeDigest(slack),
      ]);
      sent += results.filter((r) => !!r && 'verdict' in r && r.verdict === 'send').length;
      taken.push(...results.filter((r): r is DigestNotice => !!r && 'change' in r && r.change === 'digest'));
      clock += 1000;
    }
    // Whatever is still held: due once its window is over and the bucket has refilled.
    clock += 10_000;
    const rest = await Promise.all([one.takeDigest(slack), two.takeDigest(slack)]);
    expect(rest.filter(Boolean).length).toBeLessThanOrEqual(1);
    taken.push(...rest.filter((d): d is DigestNotice => !!d));
    expect(await one.pendingDigest(slack)).toBeUndefined();
    expect(taken.length).toBeGreaterThan(5);
    const ids = taken.flatMap((d) => d.digest.samples.map((s) => s.alertId));
    expect(ids).toHaveLength(new Set(ids).size);
    expect(taken.reduce((n, d) => n + d.digest.total, 0)).toBe(ids.length);
    expect(sent + ids.length).toBe(next);

    // One change held, then two processes take at the same moment: one digest, one undefined.
    clock += 10_000;
    for (let i = 0; i < 4; i++) await one.admit(slack, notice(next++));
    clock += 1000;
    const both = await Promise.all([one.takeDigest(slack), two.takeDigest(slack)]);
    expect(both.filter(Boolean).map((d) => d!.digest.total)).toEqual([1]);
  });

  it('counts every held change beyond the sample bound', async () => {
    const rl = limiter(a, { WEBHOOK: { perMinute: 1, burst: 1, digestWindowMs: 500 } }, 10);
    const hook = ref('WEBHOOK');
    const answers = [];
    for (let i = 0; i < 51; i++) answers.push(await rl.admit(hook, notice(i, 'open', i % 2 ? 5 : 3)));
    expect(answers.filter((x) => x.verdict === 'send')).toHaveLength(1);
    clock = T0 + 60_000;
    const { digest } = (await rl.takeDigest(hook))!;
    expect(digest).toMatchObject({ total: 50, omitted: 40, bySeverity: { '3': 25, '5': 25 } });
    expect(digest.samples).toHaveLength(10);
    expect(digest.first).toBe(new Date(T0 + 1).toISOString());
    expect(digest.last).toBe(new Date(T0 + 50).toISOString());
  });

  it('incident services: a resolve of an incident that was opened waits its turn, one of an alert only summarised makes no call', async () => {
    const rl = limiter(a, { PAGER_DUTY: SMALL });
    const pd = ref('PAGER_DUTY');
    for (let i = 0; i < 3; i++) expect((await rl.admit(pd, notice(i))).verdict).toBe('send');
    expect((await rl.admit(pd, notice(3))).verdict).toBe('held');
    // alert-0's incident is open: its acknowledge and resolve reserve the next slots, never held.
    expect(await rl.admit(pd, notice(0, 'acknowledge'))).toEqual({ verdict: 'wait', waitMs: 1000 });
    expect(await rl.admit(pd, notice(0, 'resolve', 0))).toEqual({ verdict: 'wait', waitMs: 2000 });
    // alert-3 was only in a digest: PagerDuty has no incident of it to resolve.
    expect(await rl.admit(pd, notice(3, 'resolve', 0))).toEqual({ verdict: 'summarised' });
    // The reservations come first: the digest is due after them.
    expect(await rl.pendingDigest(pd)).toEqual({ held: 1, dueInMs: 3000 });
    clock = T0 + 3000;
    expect((await rl.takeDigest(pd))!.digest.byChange).toEqual({ open: 1 });
    // A test notification is never held.
    expect((await rl.admit(pd, notice(9, 'test'))).verdict).toBe('wait');

    // Slack keeps no incidents: a resolve over the rate is held and counted like any change.
    const slack = ref();
    for (let i = 0; i < DEFAULT_RATES.SLACK!.burst; i++)
      expect((await rl.admit(slack, notice(i))).verdict).toBe('send');
    expect((await rl.admit(slack, notice(0, 'resolve', 0))).verdict).toBe('held');
  });

  it('HIP_CHAT and FLOWDOCK are not paced: every delivery is refused without a call', async () => {
    const rl = limiter(a);
    for (let i = 0; i < 20; i++) expect((await rl.admit(ref('HIP_CHAT'), notice(i))).verdict).toBe('send');
    expect(await rl.takeDigest(ref('FLOWDOCK'))).toBeUndefined();
  });
});
