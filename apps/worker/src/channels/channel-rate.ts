import type Redis from 'ioredis';

import { changeKey, headline } from './channel-message';
import { ADMIT, TAKE } from './channel-rate.lua';
import type { ChannelRate } from './channel-rates';
import { DEFAULT_RATES, INCIDENT_TYPES } from './channel-rates';
import type {
  AlertChangeNotice,
  ChangeKind,
  ChannelType,
  DigestNotice,
  DigestSample,
  DigestSummary,
} from './channel-types';

/** The integration a notice is for: its rate is its type's, its bucket its own. */
export interface ChannelRef {
  id: string;
  type: ChannelType;
}

/**
 * The storm policy's answer for one change on one integration:
 * - `send`: a token taken, send it now;
 * - `wait`: a slot reserved `waitMs` ahead (an acknowledge or resolve of an open incident, a test):
 *   send it then, never held;
 * - `held`: over the rate, kept for the integration's next digest, due in `digestInMs`;
 * - `summarised`: an acknowledge or resolve on PagerDuty, Opsgenie or VictorOps of an alert whose
 *   raising changes were only in digests: no incident of its own to close, so no call.
 */
export type Admission =
  | { verdict: 'send' }
  | { verdict: 'wait'; waitMs: number }
  | { verdict: 'held'; digestInMs: number }
  | { verdict: 'summarised' };

export interface ChannelRateOptions {
  /** The process's REDIS_PREFIX: every key is under `<prefix>:chrate:`. */
  prefix: string;
  /** Per-type overrides of DEFAULT_RATES (tests use small ones). */
  rates?: Partial<Record<ChannelType, ChannelRate>>;
  /** Held changes named in a digest; the rest are counted (default 50). */
  sampleLimit?: number;
  /** How long an admitted change is recognised when its job runs again (default a day). */
  keepMs?: number;
  /** How long an incident sent individually is remembered as open (default 30 days). */
  incidentMs?: number;
  /** Epoch ms, passed to the scripts (tests drive it). */
  now?: () => number;
}

const CLOSING: ReadonlySet<ChangeKind> = new Set(['acknowledge', 'resolve']);
const DAY = 86_400_000;

type Script = (...args: (string | number)[]) => Promise<unknown>;

/**
 * The per-integration rate and digest of spec §9's storms, shared by every worker process
 * through Redis (two Lua scripts: channel-rate.lua.ts). Call `admit` once per delivery job
 * before sending; after a `held`, run `takeDigest` when `digestInMs` has passed (again with
 * `pendingDigest().dueInMs` while it answers undefined) and deliver the digest like any notice.
 * A taken digest is gone from Redis: keep it (the digest job's payload) before sending it.
 */
export class ChannelRateLimiter {
  private readonly prefix: string;
  private readonly rates: Partial<Record<ChannelType, ChannelRate>>;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly options: ChannelRateOptions,
  ) {
    this.prefix = `${options.prefix}:chrate`;
    this.rates = { ...DEFAULT_RATES, ...options.rates };
    this.now = options.now ?? Date.now;
    redis.defineCommand('sluiceChannelAdmit', { numberOfKeys: 5, lua: ADMIT });
    redis.defineCommand('sluiceChannelTake', { numberOfKeys: 3, lua: TAKE });
  }

  async admit(integration: ChannelRef, notice: AlertChangeNotice): Promise<Admission> {
    const rate = this.rates[integration.type];
    // HIP_CHAT, FLOWDOCK: refused without a call, so nothing to pace.
    if (!rate) return { verdict: 'send' };
    const now = Math.floor(this.now());
    const occurred = Date.parse(notice.occurredAt);
    const sample: DigestSample = {
      alertId: notice.alertId,
      change: notice.change,
      severity: notice.severity,
      headline: headline(notice),
      occurredAt: notice.occurredAt,
    };
    const [verdict, ms] = (await this.script('sluiceChannelAdmit')(
      ...this.keys(integration.id),
      `${this.prefix}:{${integration.id}}:seen`,
      `${this.prefix}:{${integration.id}}:incidents`,
      ...this.rateArgs(rate, now),
      this.options.sampleLimit ?? 50,
      this.options.incidentMs ?? 30 * DAY,
      modeOf(integration.type, notice.change),
      notice.alertId,
      changeKey(notice),
      notice.change,
      notice.severity,
      Number.isFinite(occurred) ? occurred : now,
      JSON.stringify(sample),
      notice.customerId,
    )) as [Admission['verdict'], number];
    if (verdict === 'wait') return { verdict, waitMs: ms };
    if (verdict === 'held') return { verdict, digestInMs: ms };
    return { verdict };
  }

  /** The held changes as one digest notice if it is due (and takes its token), else undefined. */
  async takeDigest(integration: ChannelRef): Promise<DigestNotice | undefined> {
    const rate = this.rates[integration.type];
    if (!rate) return undefined;
    const now = Math.floor(this.now());
    const answer = (await this.script('sluiceChannelTake')(
      ...this.keys(integration.id),
      ...this.rateArgs(rate, now),
      0,
    )) as [number, number?, string[]?, string[]?];
    if (answer[1] !== -1) return undefined;
    return digestNotice(integration.id, pairs(answer[2]!), answer[3]!, now);
  }

  /** How many changes are held and in how many ms their digest is due; undefined when none are. */
  async pendingDigest(integration: ChannelRef): Promise<{ held: number; dueInMs: number } | undefined> {
    const rate = this.rates[integration.type];
    if (!rate) return undefined;
    const [held, dueInMs] = (await this.script('sluiceChannelTake')(
      ...this.keys(integration.id),
      ...this.rateArgs(rate, Math.floor(this.now())),
      1,
    )) as [number, number?];
    return held ? { held, dueInMs: dueInMs! } : undefined;
  }

  private keys(id: string): string[] {
    // One hash tag per integration: its keys stay in one slot should Redis be a cluster.
    return ['bucket', 'held', 'samples'].map((k) => `${this.prefix}:{${id}}:${k}`);
  }

  private rateArgs(rate: ChannelRate, now: number): (string | number)[] {
    return [now, rate.perMinute / 60_000, rate.burst, rate.digestWindowMs, this.options.keepMs ?? DAY];
  }

  private script(name: string): Script {
    const fn = (this.redis as unknown as Record<string, Script>)[name];
    return fn.bind(this.redis);
  }
}

/** How the scripts treat a change on a type (see ADMIT). */
function modeOf(type: ChannelType, change: ChangeKind): 'must' | 'close' | 'raise' | 'hold' {
  if (change === 'test' || change === 'digest') return 'must';
  if (!INCIDENT_TYPES.has(type)) return 'hold';
  return CLOSING.has(change) ? 'close' : 'raise';
}

/** One change's identity: (alert, change, time), as the senders' change keys. */
function pairs(flat: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i < flat.length; i += 2) map.set(flat[i], flat[i + 1]);
  return map;
}

/** The digest of what TAKE returned: counts of every held change, the first ones named. */
export function digestNotice(
  integrationId: string,
  counts: Map<string, string>,
  samples: string[],
  now: number,
): DigestNotice {
  const byChange: Partial<Record<ChangeKind, number>> = {};
  const bySeverity: Record<string, number> = {};
  for (const [field, value] of counts) {
    if (field.startsWith('c:')) byChange[field.slice(2) as ChangeKind] = Number(value);
    if (field.startsWith('s:')) bySeverity[field.slice(2)] = Number(value);
  }
  const total = Number(counts.get('total'));
  const named = samples.map((s) => JSON.parse(s) as DigestSample);
  const iso = (field: string) => new Date(Number(counts.get(field))).toISOString();
  const digest: DigestSummary = {
    integrationId,
    total,
    byChange,
    bySeverity,
    first: iso('first'),
    last: iso('last'),
    samples: named,
    omitted: total - named.length,
  };
  return {
    // The digest's own identity (integration + the start of its window): PagerDuty's dedup_key,
    // Opsgenie's alias, VictorOps' entity_id — one aggregate incident, never one per alert.
    alertId: `digest:${integrationId}:${counts.get('since')}`,
    customerId: counts.get('customer') ?? '',
    entity: 'Sluice',
    entityId: 'sluice',
    parameterCategory: 'storm',
    parameterId: 'digest',
    parameterName: 'alert storm digest',
    splitBy: '',
    severity: Math.max(
      0,
      ...Object.entries(bySeverity)
        .filter(([, n]) => n > 0)
        .map(([severity]) => Number(severity)),
    ),
    state: 'OPEN',
    description: null,
    change: 'digest',
    occurredAt: new Date(now).toISOString(),
    count: total,
    digest,
  };
}
