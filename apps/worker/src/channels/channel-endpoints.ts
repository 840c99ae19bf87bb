import type { ChannelApiUrlType } from '@sluice/config';

import type { ChannelConfig, ChannelRegion, DatadogRegion } from './channel-types';

/** Each service's own API hosts (research/formats.md §A), by region. */
const HOSTS: Record<ChannelApiUrlType, Partial<Record<DatadogRegion, string>> & { US: string }> = {
  PAGER_DUTY: { US: 'https://events.pagerduty.com', EU: 'https://events.eu.pagerduty.com' },
  // Slack and VictorOps have one host for every workspace.
  SLACK: { US: 'https://slack.com' },
  DATADOG: {
    US: 'https://api.datadoghq.com',
    EU: 'https://api.datadoghq.eu',
    US3: 'https://api.us3.datadoghq.com',
    US5: 'https://api.us5.datadoghq.com',
    AP1: 'https://api.ap1.datadoghq.com',
    AP2: 'https://api.ap2.datadoghq.com',
    US1_FED: 'https://api.ddog-gov.com',
  },
  NEW_RELIC: { US: 'https://insights-collector.newrelic.com', EU: 'https://insights-collector.eu01.nr-data.net' },
  OPS_GENIE: { US: 'https://api.opsgenie.com', EU: 'https://api.eu.opsgenie.com' },
  VICTOR_OPS: { US: 'https://alert.victorops.com' },
};

/** Where a service's API is: the operator's CHANNEL_API_URL_<TYPE>, else the region's host. */
export interface ChannelBase {
  url: string;
  /** True for CHANNEL_API_URL_<TYPE>: set by the operator, so a private address is allowed. */
  overridden: boolean;
}

/** The base URL of a service's API (no trailing slash) for this configuration's region. */
export function channelBase(
  type: ChannelApiUrlType,
  region: ChannelRegion | DatadogRegion | undefined,
  overrides: Partial<Record<ChannelApiUrlType, string>>,
): ChannelBase {
  const override = overrides[type];
  if (override) return { url: override, overridden: true };
  const hosts = HOSTS[type];
  return { url: hosts[region ?? 'US'] ?? hosts.US, overridden: false };
}

export const regionOf = (config: ChannelConfig): ChannelRegion | DatadogRegion | undefined =>
  'region' in config ? config.region : undefined;
