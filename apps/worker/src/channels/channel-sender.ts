import type { DeliveryOutcome, OutboundRequest } from '../delivery/http-delivery';
import type { ChannelBase } from './channel-endpoints';
import type { AlertChangeNotice, ChannelConfig, ChannelState } from './channel-types';

export interface BuildContext {
  /** The service's API base URL (unused by WEBHOOK, whose URL is its own). */
  base: ChannelBase;
  /** Epoch milliseconds: the webhook's signed timestamp, Datadog's age limit. */
  now: number;
}

/** The request of one change, and the key that makes a repeat of it harmless on the receiver's side. */
export interface BuiltRequest {
  request: OutboundRequest;
  idempotencyKey: string;
}

/** A change the sender will not send at all, and why (a shut-down service, a missing field). */
export interface Refusal {
  refused: string;
}

/** How a sender reads a 2xx: a few services answer failures with 200. */
export type AnswerReading =
  { ok: true; state?: ChannelState } | { ok: false; retryable: boolean; error: string; retryAfterMs?: number };

export type SuccessOutcome = Extract<DeliveryOutcome, { kind: 'success' }>;

/** One service's API: pure request building and answer reading; the delivery engine sends. */
export interface ChannelSender<C extends ChannelConfig = ChannelConfig> {
  build(config: C, notice: AlertChangeNotice, state: ChannelState, context: BuildContext): BuiltRequest | Refusal;
  read?(answer: SuccessOutcome, built: BuiltRequest, notice: AlertChangeNotice): AnswerReading;
  /** Headers giving "seconds until you may retry" on a 429 when there is no Retry-After. */
  rateLimitHeaders?: readonly string[];
}

export const isRefusal = (b: BuiltRequest | Refusal): b is Refusal => 'refused' in b;

/** A JSON POST with the headers every sender sends. */
export function jsonPost(url: string, body: unknown, headers: Record<string, string> = {}): OutboundRequest {
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'Sluice', ...headers },
    body: JSON.stringify(body),
  };
}

/** The JSON of an answer, or undefined. */
export function answerJson(answer: SuccessOutcome): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(answer.text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
