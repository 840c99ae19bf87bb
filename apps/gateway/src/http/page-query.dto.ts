import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const MAX_ITEMS_PER_PAGE = 500;
/**
 * The last page one may ask for: (pageNum - 1) * itemsPerPage stays far below 2^53 (a safe
 * integer) and PostgreSQL's bigint OFFSET, where 1e17 overflowed the query and was a 500.
 */
const MAX_PAGE_NUM = 1_000_000_000;

/** Paging of seed 002: 1-based `pageNum`, `itemsPerPage` up to 500. */
export class PageQueryDto {
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: MAX_PAGE_NUM })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_NUM)
  pageNum = 1;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: MAX_ITEMS_PER_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ITEMS_PER_PAGE)
  itemsPerPage = 100;
}

/** A page as repositories take it (a PageQueryDto, already bounded by its validation). */
export type Page = Pick<PageQueryDto, 'pageNum' | 'itemsPerPage'>;

/** A page of rows and the count of all rows, as every list route answers. */
export interface PageOf<T> {
  results: T[];
  totalCount: number;
}
