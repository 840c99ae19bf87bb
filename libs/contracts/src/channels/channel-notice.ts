/**
 * What a notification channel is told (spec §9): one alert change, or the digest of the changes
 * held over an integration's rate. The worker's senders build their requests from it; the
 * channel-deliveries queue carries a taken digest in this form.
 */

import type { ChannelChange } from './channel-fields';

/**
 * §9's alert changes: open, reopen, a rise to the threshold (`escalate`), acknowledge, resolve;
 * `test` is `POST …/integrations/{TYPE}/test`; `digest` summarises the changes held over an
 * integration's rate (channel-rate.ts).
 */
export type ChangeKind = 'open' | 'reopen' | 'escalate' | 'acknowledge' | 'resolve' | 'test' | 'digest';

/** One held change named in a digest. */
export interface DigestSample {
  alertId: string;
  change: ChangeKind;
  severity: number;
  headline: string;
  occurredAt: string;
}

/** What a digest counts: every change held since the integration's previous digest. */
export interface DigestSummary {
  integrationId: string;
  /** Held changes in this digest: `samples.length + omitted`. */
  total: number;
  byChange: Partial<Record<ChangeKind, number>>;
  /** By Sluice severity 0..5 (as strings: JSON keys). */
  bySeverity: Record<string, number>;
  /** The earliest and latest `occurredAt` among them. */
  first: string;
  last: string;
  /** The first changes held, in order, up to the limiter's sample bound. */
  samples: DigestSample[];
  /** Held changes counted but not named (beyond the bound). */
  omitted: number;
}

/** One alert change to tell one channel about: what a channel delivery job carries. */
export interface AlertChangeNotice {
  /** The alert's id: every service's idempotency key derives from it. A test uses an id of its own. */
  alertId: string;
  customerId: string;
  /** The alert's identity (§2.1) and its display names. */
  entity: string;
  entityId: string;
  parameterCategory: string;
  parameterId: string;
  parameterName: string;
  splitBy: string;
  /** 0..5 (clear … critical); a resolved alert's is 0. */
  severity: number;
  state: 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';
  description: string | null;
  change: ChangeKind;
  /**
   * When the change happened (ISO 8601). With `alertId` and `change` it names the change: the
   * same notice always yields the same idempotency key (the webhook's `webhook-id`), so a job run
   * again sends a message the receiver recognises as the one it has.
   */
  occurredAt: string;
  /** Events folded into the alert so far. */
  count?: number;
  /** Where to see the alert (a console link), if Sluice knows one. */
  link?: string;
  /** Only on a `digest` notice: what it summarises. */
  digest?: DigestSummary;
}

/** The one message sent for the changes held over an integration's rate. */
export type DigestNotice = AlertChangeNotice & { change: 'digest'; digest: DigestSummary };

/**
 * What the caller keeps per (alert, channel) between changes. Only Slack needs anything: the
 * `ts` (and channel id) of the first message, so later changes go to its thread.
 */
export interface ChannelState {
  slackTs?: string;
  slackChannel?: string;
}

/** How a change is recorded (`channel_deliveries.change`): one name per kind, in one place. */
export const RECORDED_CHANGE: Record<ChangeKind, ChannelChange> = {
  open: 'OPEN',
  reopen: 'REOPEN',
  escalate: 'RISE',
  acknowledge: 'ACKNOWLEDGE',
  resolve: 'RESOLVE',
  test: 'TEST',
  digest: 'DIGEST',
};

/** The changes of an alert that a channel is told of (a test and a digest are not an alert's). */
export type AlertChangeKind = Exclude<ChangeKind, 'test' | 'digest'>;
