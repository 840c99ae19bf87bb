import { HttpException } from '@nestjs/common';

/** One problem of a request body: which record (`index`), which field, and what to fix. */
export interface FieldError {
  index?: number;
  field: string;
  error: string;
}

export interface ErrorBody {
  message: string;
  errors?: FieldError[];
  [key: string]: unknown;
}

/**
 * An error whose status and body are fixed by the HTTP contract (spec/API.md); clients match on
 * these bodies, so they are built only here and sent as they are.
 */
export class ContractError extends HttpException {
  constructor(
    status: number,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body, status);
  }
}

/** The contract's messages, in one place so that code and tests quote the same strings. */
export const Messages = {
  invalidLogin: 'Invalid username/password',
  invalidCredentials: 'Invalid credentials',
  invalidRefreshToken: 'Invalid refresh token',
  missingAccessToken: 'Missing access token',
  invalidAccessToken: 'Invalid access token',
  accessDenied: 'Access denied',
  invalidPayload: 'Invalid payload',
  inactiveCustomer: 'Data has been sent for inactive customer',
  notAssociated: 'User is not associated with the customer',
  payloadTooLarge: 'Payload too large',
  tooManyRequests: 'Too many requests',
  unavailable: 'Service unavailable, retry later',
  published: 'Data published successfully',
  apiRunning: 'API is running',
  loggedOut: 'Logged out',
  notFound: 'Not found',
  internal: 'Internal server error',
} as const;

/**
 * A 400 lists at most this many errors, in the order found; past it the body says how many there
 * were (`errorCount`) and that the list is cut (`note`), so that a body of many bad entries does
 * not get an answer many times its size.
 */
export const MAX_LISTED_ERRORS = 100;

/** The body of a 400 "Invalid payload": `total` counts errors that a collector did not keep. */
function invalidPayloadBody(errors: FieldError[], total: number): ErrorBody {
  const count = Math.max(total, errors.length);
  if (count <= MAX_LISTED_ERRORS) return { message: Messages.invalidPayload, errors };
  return {
    message: Messages.invalidPayload,
    errors: errors.slice(0, MAX_LISTED_ERRORS),
    errorCount: count,
    note: `only the first ${MAX_LISTED_ERRORS} of ${count} errors are listed`,
  };
}

export const Errors = {
  invalidLogin: () => new ContractError(401, { detail: Messages.invalidLogin, message: Messages.invalidLogin }),
  invalidCredentials: () => new ContractError(401, { message: Messages.invalidCredentials }),
  invalidRefreshToken: () => new ContractError(401, { message: Messages.invalidRefreshToken }),
  missingAccessToken: () => new ContractError(401, { message: Messages.missingAccessToken }),
  invalidAccessToken: () => new ContractError(401, { message: Messages.invalidAccessToken }),
  accessDenied: () => new ContractError(403, { message: Messages.accessDenied }),
  invalidPayload: (errors: FieldError[], total = errors.length) =>
    new ContractError(400, invalidPayloadBody(errors, total)),
  inactiveCustomer: () => new ContractError(400, { message: Messages.inactiveCustomer }),
  notAssociated: () => new ContractError(401, { message: Messages.notAssociated }),
  payloadTooLarge: () => new ContractError(413, { message: Messages.payloadTooLarge }),
  tooManyRequests: (retryAfterSeconds: number) =>
    new ContractError(
      429,
      { message: Messages.tooManyRequests },
      { 'retry-after': String(Math.max(1, retryAfterSeconds)) },
    ),
  unavailable: (retryAfterSeconds: number) =>
    new ContractError(503, { message: Messages.unavailable }, { 'retry-after': String(retryAfterSeconds) }),
  notFound: (what: string = Messages.notFound) => new ContractError(404, { message: what }),
  conflict: (message: string) => new ContractError(409, { message }),
};
