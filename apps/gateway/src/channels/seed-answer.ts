import type { FastifyReply, FastifyRequest } from 'fastify';

import type { Page, PageOf } from '../http/page-query.dto';

/** Seed 002's `pretty` and `envelope`, as the request asked (anything but "true" is false). */
export interface SeedFlags {
  pretty: boolean;
  envelope: boolean;
}

export function flagsOf(req: FastifyRequest): SeedFlags {
  const query = (req.query ?? {}) as Record<string, unknown>;
  return { pretty: query.pretty === 'true', envelope: query.envelope === 'true' };
}

export interface SeedLink {
  href: string;
  rel: 'self' | 'previous' | 'next';
}

/** Seed 002's list answer: `links`, `results`, `totalCount`. */
export interface SeedList<T> extends PageOf<T> {
  links: SeedLink[];
}

/** The page's own URL (the seed's `self`), and the pages before and after it when there are any. */
export function seedList<T>(req: FastifyRequest, page: Page, { results, totalCount }: PageOf<T>): SeedList<T> {
  const path = req.url.split('?')[0];
  const at = (n: number) => `${req.protocol}://${req.host}${path}?pageNum=${n}&itemsPerPage=${page.itemsPerPage}`;
  const links: SeedLink[] = [{ href: at(page.pageNum), rel: 'self' }];
  if (page.pageNum > 1) links.push({ href: at(page.pageNum - 1), rel: 'previous' });
  if (page.pageNum * page.itemsPerPage < totalCount) links.push({ href: at(page.pageNum + 1), rel: 'next' });
  return { links, results, totalCount };
}

/**
 * A body as the flags ask. `envelope` (seed 002: for clients that cannot read the status line):
 * a list answer or an error gains `status` beside its fields (the list "is an envelope"; an error
 * keeps its `message` where every client looks for it), anything else becomes
 * `{"status", "content"}`. `pretty`: indented JSON, sent as it is.
 */
export function renderSeed(reply: FastifyReply, status: number, body: unknown, flags: SeedFlags): unknown {
  let out = body;
  if (flags.envelope) {
    const merges = typeof body === 'object' && body !== null && ('results' in body || 'message' in body);
    out = merges ? { status, ...body } : { status, content: body };
  }
  if (!flags.pretty) return out;
  void reply.type('application/json; charset=utf-8');
  return JSON.stringify(out, null, 2);
}
