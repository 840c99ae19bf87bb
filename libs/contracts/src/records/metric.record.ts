import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';

import { IsCustomerId, IsFiniteNumber, IsIsoDateTime, IsStringMap, IsText, LIMITS } from '../validation/decorators';
import { IndexKeys, tagsPart, textPart } from '../validation/key-size';

/** Spec §2.2: one metric sample. `(envcustomerid, entityid, parameterid, tags, timestamp)` identifies it. */
@IndexKeys<MetricRecord>({
  label: 'envcustomerid, entityid, parameterid (parametername when absent) and tags (as JSON)',
  keys: (r) => [
    [
      textPart('envcustomerid', r.envcustomerid),
      textPart('entityid', r.entityid),
      r.parameterid == null ? textPart('parametername', r.parametername) : textPart('parameterid', r.parameterid),
      tagsPart('tags', r.tags),
    ],
  ],
})
export class MetricRecord {
  @ApiProperty({ example: 'acme' })
  @IsCustomerId()
  envcustomerid: string;

  @ApiProperty({ example: 'host-4711' })
  @IsText(LIMITS.id)
  entityid: string;

  @ApiPropertyOptional({ example: 'web-01' })
  @IsOptional()
  @IsText(LIMITS.name)
  entity?: string;

  @ApiPropertyOptional({ example: 'cpu' })
  @IsOptional()
  @IsText(LIMITS.id)
  parametercategory?: string;

  @ApiProperty({ example: 'cpu.utilization' })
  @IsText(LIMITS.name)
  parametername: string;

  @ApiPropertyOptional({ description: 'Defaults to parametername' })
  @IsOptional()
  @IsText(LIMITS.id)
  parameterid?: string;

  @ApiProperty({ example: 42.5 })
  @IsFiniteNumber()
  value: number;

  @ApiPropertyOptional({ example: '%' })
  @IsOptional()
  @IsText(LIMITS.id)
  unit?: string;

  @ApiProperty({ example: '2024-05-01T12:00:00Z' })
  @IsIsoDateTime()
  timestamp: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { core: '0' } })
  @IsOptional()
  @IsStringMap()
  tags?: Record<string, string>;
}
