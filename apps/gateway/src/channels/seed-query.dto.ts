import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

import { PageQueryDto } from '../http/page-query.dto';

const FLAG = ['true', 'false'] as const;

/** Seed 002's query parameters, on every route of spec §9: the page, and how the answer is written. */
export class SeedQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: FLAG, default: 'false', description: 'Indent the JSON answer' })
  @IsOptional()
  @IsIn(FLAG, { message: 'pretty must be true or false' })
  pretty?: (typeof FLAG)[number];

  @ApiPropertyOptional({
    enum: FLAG,
    default: 'false',
    description:
      'Put the HTTP status in the body, for clients that cannot read it: a list answer gains `status`, one ' +
      'integration is answered as `{"status", "content"}`, an error gains `status` beside its `message`',
  })
  @IsOptional()
  @IsIn(FLAG, { message: 'envelope must be true or false' })
  envelope?: (typeof FLAG)[number];
}
