import type { argon2id } from 'argon2';

/**
 * argon2id at OWASP's baseline (19 MiB, 2 passes): slow for a guesser, ~20 ms for a login here.
 * The gateway hashes passwords with it and the tests' fixtures store users with it.
 */
export const PASSWORD_HASHING = {
  type: 2 satisfies typeof argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;
