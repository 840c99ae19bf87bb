import { randomBytes } from 'node:crypto';

// Plain constants and no imports beyond node: scripts/start.js, bench/lib.js (from dist) and
// prisma.config.ts load this file without the rest of the library.

/** Where Sluice finds its servers when nothing says otherwise: the local ones on standard ports. */
export const DEFAULTS = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/sluice',
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_PREFIX: 'sluice',
} as const;

/** Shorter JWT secrets are refused in production and replaced outside it. */
export const MIN_JWT_SECRET_LENGTH = 32;

/**
 * Outside production, fills in a throwaway JWT_SECRET (when unset or too short) and SECRETS_KEY
 * (when unset) in `env`, and returns what it made, to be logged. A launcher calls it on the
 * environment it hands to its children, so that every process verifies the others' tokens.
 * In production it changes nothing: the configuration refuses to start without real secrets.
 */
export function ensureDevSecrets(env: Record<string, string | undefined>): string[] {
  if (env.NODE_ENV === 'production') return [];
  const made: string[] = [];
  if (!env.JWT_SECRET || env.JWT_SECRET.length < MIN_JWT_SECRET_LENGTH) {
    env.JWT_SECRET = randomBytes(32).toString('base64url');
    made.push('JWT_SECRET is not set (or too short): using a throwaway secret; tokens end with this run');
  }
  if (!env.SECRETS_KEY) {
    env.SECRETS_KEY = randomBytes(32).toString('base64');
    made.push('SECRETS_KEY is not set: using a throwaway key; stored integration secrets will not survive a restart');
  }
  return made;
}
