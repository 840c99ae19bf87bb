import type { ChannelType } from './channel-types';

/**
 * An integration's sending rate: a token bucket of `burst` tokens refilled at `perMinute`, so
 * that any 60 s carry at most `burst + perMinute` calls; changes over it are held and summarised
 * in one digest at most every `digestWindowMs`.
 */
export interface ChannelRate {
  perMinute: number;
  burst: number;
  digestWindowMs: number;
}

const WINDOW = 30_000;

/**
 * Default rates per service (research/formats.md §A). `documented`: the vendor's number, kept
 * under with `burst + perMinute` ≤ it; `chosen`: the vendor publishes none we could confirm.
 * HIP_CHAT and FLOWDOCK have none: every delivery is refused without a call.
 */
export const DEFAULT_RATES: Partial<Record<ChannelType, ChannelRate>> = {
  // documented: ~120 events/min per integration key (PagerDuty developer-docs events-API-v2/05-Rate-Limits.md).
  PAGER_DUTY: { perMinute: 100, burst: 20, digestWindowMs: WINDOW },
  // documented: one message per second per channel, short bursts allowed (api.slack.com/docs/rate-limits).
  SLACK: { perMinute: 50, burst: 5, digestWindowMs: WINDOW },
  // chosen: a token bucket per API domain without published numbers (docs.opsgenie.com/docs/api-rate-limiting);
  // a third party's 60/min is kept under.
  OPS_GENIE: { perMinute: 50, burst: 10, digestWindowMs: WINDOW },
  // chosen: Splunk On-Call's REST endpoint documents no rate.
  VICTOR_OPS: { perMinute: 50, burst: 10, digestWindowMs: WINDOW },
  // chosen: far under the documented 250,000 events/min per organisation (docs.datadoghq.com/api/latest/rate-limits),
  // which the customer's other sources share.
  DATADOG: { perMinute: 300, burst: 50, digestWindowMs: WINDOW },
  // chosen: New Relic's Event API has "additional HTTP rate limits" without published numbers.
  NEW_RELIC: { perMinute: 300, burst: 50, digestWindowMs: WINDOW },
  // chosen: a tenant's own receiver, of unknown capacity.
  WEBHOOK: { perMinute: 60, burst: 10, digestWindowMs: WINDOW },
};

/**
 * Services with incidents keyed by our alert id: an acknowledge or resolve must reach an incident
 * that was opened, and means nothing for one that was not (its alert was only in a digest).
 */
export const INCIDENT_TYPES: ReadonlySet<ChannelType> = new Set(['PAGER_DUTY', 'OPS_GENIE', 'VICTOR_OPS']);
