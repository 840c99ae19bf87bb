import type { Redactor } from '@sluice/common';
import { NO_SECRETS } from '@sluice/common';

import type { OutboundRequest } from '../delivery/http-delivery';
import { deliver, failureOf, PermanentCallError } from '../delivery/http-delivery';

/** A 401, reported apart so the caller can fetch a token once more before giving up. */
export class UnauthorizedCallError extends Error {}

/**
 * One HTTP call to an ITSM through the shared delivery engine (`delivery/http-delivery.ts`): any
 * 2xx is success (its JSON body, if any); 401 is reported apart so the caller can fetch a token
 * once more; 429, 5xx and network errors are retryable (honouring Retry-After); any other 4xx is
 * final. What the ITSM answered goes into the error with every secret of the call redacted
 * (`secrets`, and the credential headers sent): errors end up in the alert history, in the
 * failed job and in logs.
 */
export async function callItsm(
  url: string,
  init: Omit<OutboundRequest, 'url'>,
  allowPrivate: boolean,
  secrets: Redactor = NO_SECRETS,
): Promise<unknown> {
  const outcome = await deliver({ ...init, url }, { allowPrivate, secrets });
  if (outcome.kind === 'success') {
    if (!outcome.text) return undefined;
    try {
      return JSON.parse(outcome.text);
    } catch {
      return outcome.text;
    }
  }
  if (outcome.status === 401) throw new UnauthorizedCallError(outcome.error);
  // An ITSM's final error keeps the form the alert history has always shown: "… answered 400: <body>".
  if (outcome.kind === 'permanent' && outcome.status !== undefined)
    throw new PermanentCallError(`${outcome.error}: ${outcome.detail ?? ''}`, outcome.status);
  throw failureOf(outcome);
}
