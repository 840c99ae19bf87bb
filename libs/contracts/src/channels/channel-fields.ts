/**
 * The notification channels of spec §9 (seed 002's typed third-party integrations): each type's
 * fields, which of them are secrets, and which services are gone. Shared by the gateway (which
 * validates and stores a configuration) and the worker (which delivers with it).
 */

export const CHANNEL_TYPES = [
  'PAGER_DUTY',
  'SLACK',
  'DATADOG',
  'NEW_RELIC',
  'OPS_GENIE',
  'VICTOR_OPS',
  'WEBHOOK',
  'HIP_CHAT',
  'FLOWDOCK',
] as const;
export type ChannelTypeName = (typeof CHANNEL_TYPES)[number];

export const CHANNEL_REGIONS = ['US', 'EU'] as const;
export type ChannelRegionName = (typeof CHANNEL_REGIONS)[number];

/** Spec §9: written and stored encrypted, answered only as `****` plus the last four characters. */
export const CHANNEL_SECRET_FIELDS = [
  'serviceKey',
  'apiToken',
  'apiKey',
  'licenseKey',
  'writeToken',
  'readToken',
  'routingKey',
  'secret',
  'notificationToken',
] as const;
export type ChannelSecretField = (typeof CHANNEL_SECRET_FIELDS)[number];

/** The non-secret fields of every type. */
export const CHANNEL_SETTING_FIELDS = [
  'teamName',
  'channelName',
  'accountId',
  'url',
  'roomName',
  'flowName',
  'orgName',
] as const;
export type ChannelSettingField = (typeof CHANNEL_SETTING_FIELDS)[number];

export type ChannelField = ChannelSecretField | ChannelSettingField;

/** What `channel_integrations.settings` holds (JSON, in clear). */
export type ChannelSettings = Partial<Record<ChannelSettingField, string>>;
/** What `channel_integrations.secrets` seals (SecretBox, SECRETS_KEY) as JSON. */
export type ChannelSecrets = Partial<Record<ChannelSecretField, string>>;

export interface ChannelFieldSpec {
  /** Must be set once the integration exists (400 naming the field otherwise). */
  required: readonly ChannelField[];
  /** May be set, changed or cleared (`null`). */
  optional: readonly ChannelField[];
  /** Whether the type takes `region`; `required` means a new integration must name it. */
  region: 'required' | 'optional' | 'none';
}

/**
 * Spec §9's list: PAGER_DUTY (serviceKey, region?), SLACK (apiToken, teamName, channelName?),
 * DATADOG (apiKey, region), NEW_RELIC (licenseKey, accountId, writeToken, readToken), OPS_GENIE
 * (apiKey, region), VICTOR_OPS (apiKey, routingKey?), WEBHOOK (url, secret?), and seed 002's
 * HIP_CHAT (notificationToken, roomName) and FLOWDOCK (flowName, apiToken, orgName). New Relic
 * also has an EU host (insights-collector.eu01.nr-data.net), so it takes an optional region.
 */
export const CHANNEL_FIELDS: Record<ChannelTypeName, ChannelFieldSpec> = {
  PAGER_DUTY: { required: ['serviceKey'], optional: [], region: 'optional' },
  SLACK: { required: ['apiToken', 'teamName'], optional: ['channelName'], region: 'none' },
  DATADOG: { required: ['apiKey'], optional: [], region: 'required' },
  NEW_RELIC: { required: ['licenseKey', 'accountId', 'writeToken', 'readToken'], optional: [], region: 'optional' },
  OPS_GENIE: { required: ['apiKey'], optional: [], region: 'required' },
  VICTOR_OPS: { required: ['apiKey'], optional: ['routingKey'], region: 'none' },
  WEBHOOK: { required: ['url'], optional: ['secret'], region: 'none' },
  HIP_CHAT: { required: ['notificationToken', 'roomName'], optional: [], region: 'none' },
  FLOWDOCK: { required: ['flowName', 'apiToken', 'orgName'], optional: [], region: 'none' },
};

const SECRETS: ReadonlySet<string> = new Set(CHANNEL_SECRET_FIELDS);
export const isChannelSecret = (field: string): field is ChannelSecretField => SECRETS.has(field);

/**
 * Types whose services their vendors shut down: configuration is accepted and answered, every
 * delivery is refused with this reason.
 */
export const SHUT_DOWN_CHANNELS: Partial<Record<ChannelTypeName, string>> = {
  HIP_CHAT:
    'HipChat was shut down by its vendor, Atlassian (HipChat Cloud ended on 2019-02-15): nothing can be delivered to it',
  FLOWDOCK: 'Flowdock was shut down by its vendor in 2022: nothing can be delivered to it',
};

/**
 * What a delivery tells of (`channel_deliveries.change`): an alert's change, TEST for
 * `POST …/test`, DIGEST for the summary of the changes held over an integration's rate.
 */
export type ChannelChange = 'OPEN' | 'REOPEN' | 'RISE' | 'ACKNOWLEDGE' | 'RESOLVE' | 'TEST' | 'DIGEST';

/**
 * What one attempt of a delivery came to (`channel_deliveries.status`): DELIVERED (a 2xx the
 * service accepted), RETRYING (failed, tried again later), FAILED (failed for good), REFUSED (not
 * sent: a shut-down service, a configuration no try can fix), HELD (over the rate: in the next
 * digest), SUMMARISED (an acknowledge or resolve of an alert that was only ever in digests);
 * PENDING only in the answer of a test that has not finished yet.
 */
export type ChannelDeliveryStatus = 'PENDING' | 'DELIVERED' | 'RETRYING' | 'FAILED' | 'REFUSED' | 'HELD' | 'SUMMARISED';

/**
 * What `POST …/integrations/{TYPE}/test` answers: the delivery's status (PENDING if the worker has
 * not finished it in CHANNEL_TEST_WAIT_MS), the receiver's HTTP status, the error, the key.
 */
export interface ChannelTestOutcome {
  status: ChannelDeliveryStatus;
  responseCode: number | null;
  error: string | null;
  idempotencyKey: string | null;
}
