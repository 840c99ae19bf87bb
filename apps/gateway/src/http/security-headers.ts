import type { IncomingMessage, ServerResponse } from 'node:http';

import helmet from 'helmet';

import type { SluiceConfig } from '@sluice/config';

/** Answers that carry credentials: no cache (browser, proxy) may keep them. */
const NO_STORE_ROUTES = new Set(['/api/v1/user/token', '/api/v1/user/token/refresh']);

/**
 * The headers helmet sets for `options`, computed once: with no CSP nonce they are the same on
 * every answer, and building helmet per request (as @fastify/helmet does for each route) parsed its
 * CSP directives on every publish request — 7 % of the gateway's CPU under load.
 */
export function helmetHeaders(options: Parameters<typeof helmet>[0]): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  } as unknown as ServerResponse;
  let failure: unknown;
  helmet(options)({} as IncomingMessage, res, (err?: unknown) => (failure = err));
  if (failure) throw failure instanceof Error ? failure : new Error('helmet refused its options');
  return headers;
}

/**
 * Helmet's headers for every answer (`X-Content-Type-Options: nosniff`, a Content-Security-Policy,
 * `X-Frame-Options`, ...), with two choices of Sluice's own: HSTS only in production (outside it
 * Sluice is reached over plain HTTP, and a browser that saw HSTS for the host would refuse it
 * afterwards), and no `upgrade-insecure-requests` in the CSP (it would send the /docs page's own
 * scripts to https:// on a gateway served over plain HTTP). Helmet's default CSP otherwise allows
 * what the Swagger UI at /docs needs: same-origin scripts, inline styles, data: images. Set by
 * the gateway's one request hook (request-hooks.ts).
 */
export function securityHeaders(config: SluiceConfig): Record<string, string> {
  return helmetHeaders({
    hsts: config.production ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
}

/** Whether an answer carries credentials, which no cache (browser, proxy) may keep. */
export const isNoStoreRoute = (routeUrl: string | undefined): boolean => NO_STORE_ROUTES.has(routeUrl ?? '');
