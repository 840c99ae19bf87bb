import { Redactor } from '@sluice/common';
import type { ChannelTypeName } from '@sluice/contracts';
import { CHANNEL_FIELDS, isChannelSecret } from '@sluice/contracts';
import type { ChannelDelivery } from '@sluice/database';

import type { ChannelConfig } from './channel-merge';
import { redact } from './secret-redaction';

/** Seed 002's integration view: `type`, the type's fields (secrets redacted), and Sluice's own. */
export interface ChannelView {
  type: ChannelTypeName;
  [field: string]: unknown;
}

export function channelView(type: ChannelTypeName, config: ChannelConfig): ChannelView {
  const spec = CHANNEL_FIELDS[type];
  const view: ChannelView = { type };
  for (const field of [...spec.required, ...spec.optional]) {
    const value = isChannelSecret(field) ? config.secrets[field] : config.settings[field];
    if (value !== undefined) view[field] = isChannelSecret(field) ? redact(value) : value;
  }
  // Seed 002: a Slack configuration's channelName is "an empty string if the value is not set".
  if (type === 'SLACK') view.channelName ??= '';
  if (spec.region !== 'none') view.region = config.region;
  view.minSeverity = config.minSeverity;
  view.enabled = config.enabled;
  return view;
}

/** One delivery, as GET …/integrations/{TYPE}/deliveries lists it. */
export interface DeliveryView {
  id: string;
  alertId: string | null;
  change: string;
  attempt: number;
  status: string;
  responseCode: number | null;
  error: string | null;
  idempotencyKey: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * `secrets`: the integration's; a receiver's error text that quotes one (a URL with the key in it,
 * an echoed header) is answered with `****` in its place. The worker scrubs what it stores too.
 */
export function deliveryView(row: ChannelDelivery, secrets: string[]): DeliveryView {
  return {
    id: row.id.toString(),
    alertId: row.alertId,
    change: row.change,
    attempt: row.attempt,
    status: row.status,
    responseCode: row.responseCode,
    // The worker redacts before it stores; this also covers a secret changed since.
    error: row.error === null ? null : new Redactor(secrets).text(row.error),
    idempotencyKey: row.idempotencyKey,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
