import { headerValues, Redactor } from '@sluice/common';
import type { ChannelApiUrlType } from '@sluice/config';

import { deliver, PermanentCallError, RetryableCallError } from '../delivery/http-delivery';
import { channelBase, regionOf } from './channel-endpoints';
import type { BuiltRequest, ChannelSender } from './channel-sender';
import { isRefusal } from './channel-sender';
import type { AlertChangeNotice, ChannelConfig, ChannelState, ChannelType } from './channel-types';
import { channelSecrets } from './channel-types';
import { datadogSender } from './datadog.sender';
import { newRelicSender } from './new-relic.sender';
import { opsGenieSender } from './ops-genie.sender';
import { pagerDutySender } from './pager-duty.sender';
import { retiredSender } from './retired.sender';
import { slackSender } from './slack.sender';
import { victorOpsSender } from './victor-ops.sender';
import { webhookSender } from './webhook.sender';

/** One sender per type. */
export const SENDERS: { [T in ChannelType]: ChannelSender<Extract<ChannelConfig, { type: T }>> } = {
  PAGER_DUTY: pagerDutySender,
  SLACK: slackSender,
  DATADOG: datadogSender,
  NEW_RELIC: newRelicSender,
  OPS_GENIE: opsGenieSender,
  VICTOR_OPS: victorOpsSender,
  WEBHOOK: webhookSender,
  HIP_CHAT: retiredSender,
  FLOWDOCK: retiredSender,
};

export interface ChannelDeliverySettings {
  /** NOTIFIER_ALLOW_PRIVATE_NETWORKS (the same guard as the ITSM notifier's). */
  allowPrivate: boolean;
  /** CHANNEL_API_URL_<TYPE> (`SluiceConfig.channelApiUrls`). */
  apiUrls: Partial<Record<ChannelApiUrlType, string>>;
  timeoutMs?: number;
  /** Epoch milliseconds now (tests pin it). */
  now?: () => number;
}

/** One try of one change on one channel: what a delivery record keeps. */
export interface ChannelAttempt {
  outcome: 'delivered' | 'retryable' | 'permanent';
  /** The receiver's HTTP status; null when there was no answer (network, timeout, refused). */
  status: number | null;
  /** Redacted: no secret of the configuration, nor a credential header sent, is in it. */
  error: string | null;
  /** A 429's (or 5xx's) Retry-After, for the job's next delay. */
  retryAfterMs?: number;
  /** The key that makes a repeat harmless on the receiver's side (see README); null when nothing was built. */
  idempotencyKey: string | null;
  /** State to keep for later changes of the alert on this channel (Slack's first message). */
  state?: ChannelState;
}

/** The request a configuration makes for a change (pure; for tests and `…/test` previews). */
export function buildChannelRequest(
  config: ChannelConfig,
  notice: AlertChangeNotice,
  state: ChannelState,
  settings: Pick<ChannelDeliverySettings, 'apiUrls' | 'now'>,
): BuiltRequest | { refused: string } {
  const sender = SENDERS[config.type] as ChannelSender;
  const base =
    config.type === 'WEBHOOK' || config.type === 'HIP_CHAT' || config.type === 'FLOWDOCK'
      ? { url: '', overridden: false }
      : channelBase(config.type, regionOf(config), settings.apiUrls);
  return sender.build(config, notice, state, { base, now: (settings.now ?? Date.now)() });
}

/**
 * Tells one channel about one alert change through its service's API, once: builds the request
 * (`SENDERS`), sends it through the delivery engine shared with the ITSM notifier
 * (`delivery/http-delivery.ts`: timeouts, the private-network guard, redaction, classification),
 * lets the sender read a 2xx (Slack's `ok:false`), and answers the attempt. Never throws: the
 * caller records the attempt, then throws `attemptFailure(attempt)` so BullMQ retries or not.
 */
export async function sendChannelNotice(
  config: ChannelConfig,
  notice: AlertChangeNotice,
  state: ChannelState,
  settings: ChannelDeliverySettings,
): Promise<ChannelAttempt> {
  const redactor = new Redactor(channelSecrets(config));
  let built: BuiltRequest | { refused: string };
  try {
    built = buildChannelRequest(config, notice, state, settings);
  } catch (err) {
    // A configuration the sender cannot use (a webhook URL that is no URL, …): no try can fix it.
    const reason = redactor.text(`${config.type} request not built: ${(err as Error).message}`);
    return { outcome: 'permanent', status: null, error: reason, idempotencyKey: null };
  }
  if (isRefusal(built)) return { outcome: 'permanent', status: null, error: built.refused, idempotencyKey: null };

  const sender = SENDERS[config.type] as ChannelSender;
  // An operator's CHANNEL_API_URL_<TYPE> is trusted; a tenant's webhook URL and the vendors' hosts are guarded.
  const overridden = config.type !== 'WEBHOOK' && !!settings.apiUrls[config.type as ChannelApiUrlType];
  const outcome = await deliver(built.request, {
    allowPrivate: settings.allowPrivate || overridden,
    secrets: redactor,
    timeoutMs: settings.timeoutMs,
    rateLimitHeaders: sender.rateLimitHeaders,
  });
  const key = built.idempotencyKey;
  if (outcome.kind === 'success') {
    const reading = sender.read?.(outcome, built, notice) ?? { ok: true };
    if (reading.ok)
      return { outcome: 'delivered', status: outcome.status, error: null, idempotencyKey: key, state: reading.state };
    return {
      outcome: reading.retryable ? 'retryable' : 'permanent',
      status: outcome.status,
      error: redactor.with(headerValues(built.request.headers)).text(reading.error),
      retryAfterMs: reading.retryAfterMs,
      idempotencyKey: key,
    };
  }
  return {
    outcome: outcome.kind,
    status: outcome.status ?? null,
    error: outcome.detail ? `${outcome.error}: ${outcome.detail}` : outcome.error,
    ...(outcome.kind === 'retryable' && { retryAfterMs: outcome.retryAfterMs }),
    idempotencyKey: key,
  };
}

/** The error a delivery job throws for a failed attempt (undefined when delivered). */
export function attemptFailure(attempt: ChannelAttempt): Error | undefined {
  if (attempt.outcome === 'delivered') return undefined;
  const message = attempt.error ?? `${attempt.outcome} failure`;
  if (attempt.outcome === 'retryable')
    return new RetryableCallError(message, attempt.retryAfterMs, attempt.status ?? undefined);
  return new PermanentCallError(message, attempt.status ?? undefined);
}
