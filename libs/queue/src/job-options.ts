import type { JobsOptions } from 'bullmq';

/**
 * Completed jobs are removed at once (their data is in PostgreSQL); a bounded tail of failed
 * jobs is kept for inspection and replay. Transient failures retry with exponential backoff.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { count: 10_000 },
};

/**
 * Calls to an ITSM: 6 tries with exponential backoff from 2 s, or the server's Retry-After when it
 * sends one (the notifier's backoff strategy); the last failure stays visible on the alert.
 */
export const NOTIFICATION_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: 'itsm' },
  removeOnComplete: true,
  removeOnFail: { count: 10_000 },
};

/**
 * Scheduled upkeep: retried like pipeline jobs, with a shorter tail of failures (a run that keeps
 * failing is seen from its last few; the next scheduled run comes anyway).
 */
export const MAINTENANCE_JOB_OPTIONS: JobsOptions = {
  ...DEFAULT_JOB_OPTIONS,
  removeOnFail: { count: 100 },
};

/**
 * Channel notifications (spec §9): 8 tries with exponential backoff from NOTIFIER_RETRY_BASE_MS (as ITSM calls),
 * or the receiver's Retry-After (the delivery backoff strategy); every attempt is recorded in
 * `channel_deliveries`. A test is tried once: its caller waits for the answer.
 */
export const CHANNEL_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'delivery' },
  removeOnComplete: true,
  removeOnFail: { count: 10_000 },
};
export const CHANNEL_TEST_JOB_OPTIONS: JobsOptions = {
  ...CHANNEL_JOB_OPTIONS,
  attempts: 1,
  removeOnComplete: { age: 3600 },
};

/**
 * A user's action on an alert: tried once (its caller waits for the outcome and answers it; a
 * failure is a 503 to retry, not a retry behind the user's back), kept a few minutes after it
 * ends so that the caller can read the outcome.
 */
export const ALERT_ACTION_JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { age: 300 },
  removeOnFail: { age: 3600 },
};
