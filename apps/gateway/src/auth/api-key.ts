import { randomBytes } from 'node:crypto';

import { sha256Hex } from '@sluice/common';

/** Spec §8.1's scopes: `publish` for §2 and §8.2, `read` for §6. */
export const API_KEY_SCOPES = ['publish', 'read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * `slk_` and 32 random bytes in base64url: the prefix tells a key from an access token (a JWT)
 * at a glance, in a header or a leaked log, and lets secret scanners find it.
 */
const PREFIX = 'slk_';
const KEY = /^slk_[A-Za-z0-9_-]{43}$/;

export const newApiKey = (): string => PREFIX + randomBytes(32).toString('base64url');

export const looksLikeApiKey = (value: string): boolean => value.startsWith(PREFIX);

export const isWellFormedApiKey = (value: string): boolean => KEY.test(value);

/**
 * What is stored and looked up: SHA-256. A key has 256 bits of entropy, so no password-style KDF
 * is needed (nothing to guess), and verifying one costs a microsecond instead of argon2's tens of
 * milliseconds on every request.
 */
export const hashApiKey = (key: string): string => sha256Hex(key);
