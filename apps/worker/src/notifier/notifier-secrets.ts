import type { NotifierSecrets } from '@sluice/contracts';

/** The string values inside a token payload (an object, a JSON text, or an opaque string). */
function leaves(value: unknown): string[] {
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed !== null && typeof parsed === 'object') return [value, ...leaves(parsed)];
    } catch {
      // not JSON: the whole string is the secret
    }
    return [value];
  }
  if (typeof value === 'number') return [String(value)];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [];
}

/** Every secret value of a notifier's credentials. */
export function credentialValues(secrets: NotifierSecrets): string[] {
  return [
    secrets.password,
    secrets.apiSecret,
    secrets.refreshToken,
    ...leaves(secrets.tokenPayload),
    ...(secrets.tokenHeaders ?? []).map((h) => h.value),
    ...(secrets.resourceAuthHeaders ?? []).map((h) => h.value),
  ].filter((v): v is string => typeof v === 'string');
}
