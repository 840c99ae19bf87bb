import type { Prisma, PrismaService } from '@sluice/database';

import type { Page, PageOf } from '../http/page-query.dto';

/** The rows of a page: where to start and how many. */
export interface Window {
  skip: number;
  take: number;
}

/**
 * One page and the count of all rows, read in one snapshot so that they agree while workers
 * write. `rows` gets the page's window; both queries are Prisma's lazy promises, run together.
 */
export async function paged<T>(
  prisma: PrismaService,
  page: Page,
  rows: (window: Window) => Prisma.PrismaPromise<T[]>,
  count: Prisma.PrismaPromise<number>,
): Promise<PageOf<T>> {
  const window = { skip: (page.pageNum - 1) * page.itemsPerPage, take: page.itemsPerPage };
  const [results, totalCount] = await prisma.$transaction([rows(window), count], { isolationLevel: 'RepeatableRead' });
  return { results, totalCount };
}
