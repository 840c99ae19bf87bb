import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';

/**
 * First path segments that belong to the server: a browser that navigates to one of them gets the
 * server's answer (its 404 included), never the console's page.
 */
const SERVER_PREFIXES = new Set(['api', 'docs', 'docs-json', 'health', 'publish', 'ingest', 'gbpipush', 'metrics']);

/**
 * Where `npm run build:console` writes the console (Vite's `build.outDir`): `dist/console` at the
 * project's root, seen from this file built (`dist/apps/gateway/src/console`) or run from source
 * (`apps/gateway/src/console`, as the tests do).
 */
export function consoleDirectory(): string | undefined {
  const up = resolve(__dirname, '..', '..', '..', '..');
  return [join(up, 'console'), join(up, 'dist', 'console')].find((dir) => existsSync(join(dir, 'index.html')));
}

/**
 * Spec §10: the web console (apps/console) at `/`. Its files are served as they are (hashed assets
 * cached for good, index.html revalidated); a GET that asks for a page (`Accept: text/html`) at any
 * other path outside the server's own prefixes is answered with index.html, for the console's
 * router to show. Everything else keeps the server's answers: a route the path does not match is
 * the contract's 404, as before. Without a built console (`npm run build:console`) nothing is added.
 */
export async function serveConsole(app: NestFastifyApplication, root = consoleDirectory()): Promise<void> {
  if (!root) {
    app.get(Logger).warn('The web console is not built (npm run build:console): / serves nothing');
    return;
  }
  await app.register(fastifyStatic, {
    root,
    // A route per file, found at start-up: paths outside them stay the server's.
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      void reply.header('cache-control', path.startsWith(join(root, 'assets')) ? CACHE_FOREVER : REVALIDATE);
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/*', (req: FastifyRequest, reply: FastifyReply) => {
    if (!isPageRequest(req)) return reply.callNotFound();
    return reply.header('cache-control', REVALIDATE).sendFile('index.html');
  });
  fastify.get('/', (_req: FastifyRequest, reply: FastifyReply) =>
    reply.header('cache-control', REVALIDATE).sendFile('index.html'),
  );
}

const CACHE_FOREVER = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** A browser's navigation to a console page: HTML accepted, and a path the server does not own. */
export function isPageRequest(req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? '';
  if (!accept.includes('text/html')) return false;
  const first = req.url.split(/[/?#]/)[1] ?? '';
  return !SERVER_PREFIXES.has(first);
}
