import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';

/**
 * The console's own pages (its router's paths, apps/console/src/app.tsx): a browser that opens
 * one of them (a link, a reload) gets index.html. Only these: a wildcard route would also catch
 * what the server answers itself, its 404 and its 400 for an over-long path parameter included.
 */
export const CONSOLE_PAGES = [
  '/',
  '/sign-in',
  '/alerts',
  '/alerts/:id',
  '/adapters',
  '/topology',
  '/metrics',
  '/channels',
  '/api-keys',
  '/admin/failed-jobs',
];

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
 * cached for good, index.html revalidated), and a GET of one of its pages that asks for a page
 * (`Accept: text/html`) is answered with index.html, for the console's router to show; any other
 * request there (an API client's) gets the server's 404, as before. Without a built console
 * (`npm run build:console`) nothing is added.
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
  const page = (req: FastifyRequest, reply: FastifyReply) =>
    acceptsHtml(req) ? reply.header('cache-control', REVALIDATE).sendFile('index.html') : reply.callNotFound();
  for (const url of CONSOLE_PAGES) fastify.get(url, page);
}

const CACHE_FOREVER = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** A browser's navigation (it asks for HTML), not an API client's request. */
const acceptsHtml = (req: FastifyRequest): boolean => (req.headers.accept ?? '').includes('text/html');
