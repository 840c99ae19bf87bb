/**
 * Spec §9: the notification channel model the senders work on. Configurations arrive with their
 * secrets already unsealed; nothing here reads a database or a queue.
 */

import { CHANNEL_SECRET_FIELDS, type ChannelTypeName } from '@sluice/contracts';

/** The seed's integration types (seed 002), listed in libs/contracts. */
export type ChannelType = ChannelTypeName;

/** §9: `region` picks the service's US or EU host (default US). */
export type ChannelRegion = 'US' | 'EU';
/** Datadog names more sites than US and EU; each has its own API host. */
export type DatadogRegion = ChannelRegion | 'US3' | 'US5' | 'AP1' | 'AP2' | 'US1_FED';

/** What every integration carries beyond the seed (§9): defaults `minSeverity` 4, `enabled` true. */
interface ChannelCommon {
  minSeverity?: number;
  enabled?: boolean;
}

export interface PagerDutyConfig extends ChannelCommon {
  type: 'PAGER_DUTY';
  /** The Events API v2 integration key (`routing_key`). Secret. */
  serviceKey: string;
  region?: ChannelRegion;
}

export interface SlackConfig extends ChannelCommon {
  type: 'SLACK';
  /** A bot token (`xoxb-…`), sent as `Authorization: Bearer`. Secret. */
  apiToken: string;
  teamName: string;
  /** The channel to post to (name or id); without one there is nowhere to post. */
  channelName?: string;
}

export interface DatadogConfig extends ChannelCommon {
  type: 'DATADOG';
  /** Sent as `DD-API-KEY`. Secret. */
  apiKey: string;
  region?: DatadogRegion;
}

export interface NewRelicConfig extends ChannelCommon {
  type: 'NEW_RELIC';
  /** Sent as `Api-Key` when there is no insert key. Secret. */
  licenseKey: string;
  accountId: string;
  /** The Insights insert key, sent as `X-Insert-Key`. Secret. */
  writeToken: string;
  /** The Insights query key: not used to deliver. Secret. */
  readToken: string;
  region?: ChannelRegion;
}

export interface OpsGenieConfig extends ChannelCommon {
  type: 'OPS_GENIE';
  /** An integration API key, sent as `Authorization: GenieKey <key>`. Secret. */
  apiKey: string;
  region?: ChannelRegion;
}

export interface VictorOpsConfig extends ChannelCommon {
  type: 'VICTOR_OPS';
  /** The REST endpoint's key, a path segment of the URL. Secret. */
  apiKey: string;
  /** The routing key, the last path segment (default `everyone`). Secret. */
  routingKey?: string;
}

export interface WebhookConfig extends ChannelCommon {
  type: 'WEBHOOK';
  url: string;
  /** Standard Webhooks signing secret: `whsec_<base64>`, or any other text used as raw bytes. Secret. */
  secret?: string;
}

export interface HipChatConfig extends ChannelCommon {
  type: 'HIP_CHAT';
  notificationToken?: string;
  roomName?: string;
}

export interface FlowdockConfig extends ChannelCommon {
  type: 'FLOWDOCK';
  apiToken?: string;
  flowName?: string;
  orgName?: string;
}

export type ChannelConfig =
  | PagerDutyConfig
  | SlackConfig
  | DatadogConfig
  | NewRelicConfig
  | OpsGenieConfig
  | VictorOpsConfig
  | WebhookConfig
  | HipChatConfig
  | FlowdockConfig;

export type ConfigOf<T extends ChannelType> = Extract<ChannelConfig, { type: T }>;

/** Every secret value of a configuration, for redaction. */
export function channelSecrets(config: ChannelConfig): string[] {
  const fields = config as unknown as Record<string, unknown>;
  return CHANNEL_SECRET_FIELDS.map((f) => fields[f]).filter((v): v is string => typeof v === 'string' && v !== '');
}

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
