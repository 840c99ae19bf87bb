/**
 * Field names whose values never reach a log line: credentials in headers, and every secret a
 * request or an integration can carry (spec/API.md §4 and §9: secrets are never written to a log),
 * the notification channels' among them (serviceKey, apiToken, ...; `secrets` is their sealed column).
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
  'serviceKey',
  'apiToken',
  'licenseKey',
  'writeToken',
  'readToken',
  'routingKey',
  'notificationToken',
  'secrets',
] as const;

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-integration-token"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];
