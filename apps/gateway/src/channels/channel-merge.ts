import type { FieldError } from '@sluice/common';
import { Errors } from '@sluice/common';
import type { ChannelRegionName, ChannelSecrets, ChannelSettings, ChannelTypeName } from '@sluice/contracts';
import { CHANNEL_FIELDS, isChannelSecret } from '@sluice/contracts';

import { looksRedacted, redact } from './secret-redaction';

/** A notification channel's configuration as stored, its secrets opened. */
export interface ChannelConfig {
  settings: ChannelSettings;
  secrets: ChannelSecrets;
  region: ChannelRegionName;
  minSeverity: number;
  enabled: boolean;
}

/** A body that passed its type's DTO: the type's fields (null clears an optional one) and the common ones. */
export interface ChannelBody {
  [field: string]: unknown;
  region?: ChannelRegionName;
  minSeverity?: number;
  enabled?: boolean;
}

/** Spec §9's defaults: region US, minSeverity 4, enabled. */
const DEFAULTS: ChannelConfig = { settings: {}, secrets: {}, region: 'US', minSeverity: 4, enabled: true };

/**
 * The configuration a POST or PUT leaves: `current` (undefined when there is none yet) with the
 * fields the body carries; the others keep their values (a PUT without a secret keeps it). A
 * secret sent back as the redaction of the stored one is "unchanged". Then every field the type
 * needs must be set. Every problem is in one 400. `secretsChanged` says whether the sealed
 * column must be written again.
 */
export function mergeChannel(
  type: ChannelTypeName,
  current: ChannelConfig | undefined,
  body: ChannelBody,
): { config: ChannelConfig; secretsChanged: boolean } {
  const spec = CHANNEL_FIELDS[type];
  const base = current ?? DEFAULTS;
  const settings: ChannelSettings = { ...base.settings };
  const secrets: ChannelSecrets = { ...base.secrets };
  let secretsChanged = current === undefined;
  const errors: FieldError[] = [];

  for (const field of [...spec.required, ...spec.optional]) {
    const value = body[field] as string | null | undefined;
    if (value === undefined) continue;
    // null (and "") clear an optional field; the DTO refuses them for the ones a type needs.
    const cleared = value === null || value === '';
    if (!isChannelSecret(field)) {
      if (cleared) delete settings[field];
      else settings[field] = value;
      continue;
    }
    if (cleared) {
      secretsChanged ||= secrets[field] !== undefined;
      delete secrets[field];
    } else if (looksRedacted(value)) {
      const stored = secrets[field];
      if (stored === undefined || redact(stored) !== value) {
        errors.push({
          field,
          error: `${field} is a redacted value that is not the stored one's: send the whole secret, or leave ${field} out to keep the stored one`,
        });
      }
    } else if (secrets[field] !== value) {
      secrets[field] = value;
      secretsChanged = true;
    }
  }

  for (const field of spec.required) {
    const set = isChannelSecret(field) ? secrets[field] !== undefined : settings[field] !== undefined;
    if (!set && !errors.some((e) => e.field === field))
      errors.push({ field, error: `${field} is required for ${type}` });
  }
  if (spec.region === 'required' && current === undefined && body.region === undefined)
    errors.push({ field: 'region', error: `region is required for ${type}: US or EU` });
  if (errors.length > 0) throw Errors.invalidPayload(errors);

  const config: ChannelConfig = {
    settings,
    secrets,
    region: body.region ?? base.region,
    minSeverity: body.minSeverity ?? base.minSeverity,
    enabled: body.enabled ?? base.enabled,
  };
  return { config, secretsChanged };
}
