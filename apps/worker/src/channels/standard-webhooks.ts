import { createHmac } from 'node:crypto';

/** The prefix of a Standard Webhooks secret whose rest is the key in base64. */
export const WHSEC_PREFIX = 'whsec_';

/**
 * The HMAC key of a signing secret, per the Standard Webhooks scheme: `whsec_<base64>` is the
 * base64-decoded bytes; any other secret (Ops Manager's free-text one) is its UTF-8 bytes, which a
 * receiver's verifier takes as a raw key (`new Webhook(Buffer.from(secret), { format: 'raw' })`).
 */
export function webhookKey(secret: string): Buffer {
  return secret.startsWith(WHSEC_PREFIX)
    ? Buffer.from(secret.slice(WHSEC_PREFIX.length), 'base64')
    : Buffer.from(secret, 'utf8');
}

/**
 * Standard Webhooks v1: `v1,` + base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`,
 * over the exact body bytes sent. A retry keeps the id and signs its own timestamp.
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', webhookKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}
