import { createHash } from 'node:crypto';

/** SHA-256 of a text as hex: how opaque tokens (refresh, integration) are stored and looked up. */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');
