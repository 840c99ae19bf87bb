/**
 * Field names whose values never reach a log line: credentials in headers, and every secret a
 * request or an integration can carry (spec/API.md §4: secrets are never written to a log).
 */
export const SECRET_FIELDS = [
  'password',
  'passwordHash',
  'apiSecret',
  'apiKey',
  'clientSecret',
  'client_secret',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  'tokenPayload',
] as const;

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-integration-token"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];
