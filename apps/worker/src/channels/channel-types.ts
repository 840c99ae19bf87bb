/**
 * Spec §9: the notification channel model the senders work on. Configurations arrive with their
 * secrets already unsealed; nothing here reads a database or a queue.
 */

import { CHANNEL_SECRET_FIELDS, type ChannelTypeName } from '@sluice/contracts';

export type {
  AlertChangeNotice,
  ChangeKind,
  ChannelState,
  DigestNotice,
  DigestSample,
  DigestSummary,
} from '@sluice/contracts';

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
