import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import type { SluiceConfig } from '@sluice/config';

/** Answers that carry credentials: no cache (browser, proxy) may keep them. */
const NO_STORE_ROUTES = new Set(['/api/v1/user/token', '/api/v1/user/token/refresh']);

/**
 * Helmet's headers on every answer (`X-Content-Type-Options: nosniff`, a Content-Security-Policy,
 * `X-Frame-Options`, ...), with two choices of Sluice's own: HSTS only in production (outside it
 * Sluice is reached over plain HTTP, and a browser that saw HSTS for the host would refuse it
 * afterwards), and no `upgrade-insecure-requests` in the CSP (it would send the /docs page's own
 * scripts to https:// on a gateway served over plain HTTP). Helmet's default CSP otherwise allows
 * what the Swagger UI at /docs needs: same-origin scripts, inline styles, data: images.
 */
export async function registerSecurityHeaders(app: NestFastifyApplication, config: SluiceConfig): Promise<void> {
  await app.register(helmet, {
    hsts: config.production ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (req, reply, payload, done) => {
      if (NO_STORE_ROUTES.has(req.routeOptions.url ?? '')) reply.header('cache-control', 'no-store');
      done(null, payload);
    });
}
