import { ApiError, NetworkError, SessionExpiredError } from './client';

/** What the console says when the API refuses, per status; `forbidden` words a 403 for the page. */
export interface ErrorWording {
  forbidden?: string;
  notFound?: string;
}

/**
 * A sentence a person can act on, with the API's own message where it has one (a 409 says why
 * the action does not apply, a 400 names the field).
 */
export function describeError(error: unknown, wording: ErrorWording = {}): string {
  if (error instanceof SessionExpiredError) return error.message;
  if (error instanceof NetworkError) return error.message;
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const said = error.message;
  switch (error.status) {
    case 400: {
      const fields = error.fieldErrors.map((e) => (e.field ? `${e.field}: ${e.error ?? 'invalid'}` : e.error));
      return fields.length > 0 ? `${said} — ${fields.join('; ')}` : said;
    }
    case 403:
      return `${wording.forbidden ?? 'You have no access to this customer'} (${said}).`;
    case 404:
      return `${wording.notFound ?? 'Not found'} (${said}).`;
    case 409:
      return said;
    case 429:
      return `Too many requests — wait a moment and try again (${said}).`;
    case 503:
      return `The gateway cannot serve this right now — try again shortly (${said}).`;
    default:
      return error.status >= 500 ? `The gateway failed (${error.status}: ${said}); try again.` : said;
  }
}
