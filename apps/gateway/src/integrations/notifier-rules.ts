import type { FieldError } from '@sluice/common';
import { Errors } from '@sluice/common';
import type { NotifierSecrets, NotifierSettings } from '@sluice/contracts';

import type { BaseNotifierDto } from './integration.dto';

export type { NotifierSecrets, NotifierSettings };

const SECRET_KEYS = [
  'password',
  'apiSecret',
  'refreshToken',
  'tokenPayload',
  'tokenHeaders',
  'resourceAuthHeaders',
] as const;
const FIELD = 'outboundConfig.baseNotifier';
export const DEFAULT_MIN_SEVERITY = 4;

/** A URL as given, or with https:// when the seed's style omits the scheme ("www.example.com"). */
function url(value: string | undefined, field: string, errors: FieldError[]): string | undefined {
  if (value === undefined) return undefined;
  const candidate = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  try {
    const parsed = new URL(candidate);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
    return candidate.replace(/\/+$/, '');
  } catch {
    errors.push({ field: `${FIELD}.${field}`, error: `${field} must be an http(s) URL` });
    return undefined;
  }
}

/**
 * Seed 000's rules on the merged notifier (what was stored, then the fields of this request):
 * the conditional requirements of its table, each missing field named in the 400.
 */
export function resolveNotifier(
  stored: { settings?: NotifierSettings; secrets?: NotifierSecrets },
  incoming: BaseNotifierDto | undefined,
  minSeverity: number | undefined,
): { settings: NotifierSettings; secrets: NotifierSecrets } {
  const { accessTokenURI, ...given } = { ...(incoming ?? {}) };
  if (given.accessTokenURL === undefined && accessTokenURI !== undefined) given.accessTokenURL = accessTokenURI;
  // Stored secrets follow the notifier only while it talks to the same places: a request that
  // moves baseURI, accessTokenURL or tokenURL must carry the secrets again, so that nobody who
  // may edit the integration can send its stored credentials to a host of their choosing.
  const moved = (['baseURI', 'accessTokenURL', 'tokenURL'] as const).some(
    (k) => given[k] !== undefined && normalised(given[k]) !== normalised(stored.settings?.[k]),
  );
  const keptSecrets = moved ? {} : stored.secrets;
  const merged = { ...stored.settings, ...keptSecrets, ...stripUndefined(given) } as Record<string, unknown> &
    BaseNotifierDto;

  const errors: FieldError[] = [];
  const need = (field: keyof BaseNotifierDto, when: string) => {
    const v = merged[field];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) {
      errors.push({ field: `${FIELD}.${field}`, error: `${field} is required ${when}` });
    }
  };
  if ((merged.type ?? 'REST_API') !== 'REST_API') {
    throw Errors.invalidPayload([{ field: `${FIELD}.type`, error: `${merged.type} is not supported: use REST_API` }]);
  }
  const authType = merged.authType ?? 'NONE';
  need('baseURI', 'for a notifier');
  if (authType === 'OAUTH2') {
    need('grantType', 'when authType is OAUTH2');
    need('apiKey', 'when authType is OAUTH2');
    need('apiSecret', 'when authType is OAUTH2');
    need('accessTokenURL', 'when authType is OAUTH2');
    if (merged.grantType === 'PASSWORD' || merged.grantType === 'REFRESH_TOKEN') {
      need('userName', `when grantType is ${merged.grantType}`);
      need('password', `when grantType is ${merged.grantType}`);
    }
  } else if (authType === 'BASIC') {
    need('userName', 'when authType is BASIC');
    need('password', 'when authType is BASIC');
  } else if (authType === 'JWT') {
    need('tokenURL', 'when authType is JWT');
    need('tokensPath', 'when authType is JWT');
    need('resourceAuthHeaders', 'when authType is JWT');
  }
  const baseURI = url(merged.baseURI, 'baseURI', errors);
  const accessTokenURL = url(merged.accessTokenURL, 'accessTokenURL', errors);
  const tokenURL = url(merged.tokenURL, 'tokenURL', errors);
  if (errors.length > 0) throw Errors.invalidPayload(errors);

  const settings: NotifierSettings = stripUndefined({
    type: 'REST_API' as const,
    baseURI: baseURI!,
    authType,
    grantType: merged.grantType,
    userName: merged.userName,
    apiKey: merged.apiKey,
    accessTokenURL,
    tokenURL,
    tokensPath: merged.tokensPath,
    minSeverity: minSeverity ?? stored.settings?.minSeverity ?? DEFAULT_MIN_SEVERITY,
  });
  const secrets: NotifierSecrets = {};
  for (const key of SECRET_KEYS) if (merged[key] !== undefined) (secrets as Record<string, unknown>)[key] = merged[key];
  return { settings, secrets };
}

function normalised(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`).replace(/\/+$/, '');
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
