import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';

import { IsCustomerId, IsIsoDateTime, IsSeverity, IsText, LIMITS } from '../validation/decorators';
import { IndexKeys, textPart } from '../validation/key-size';

/**
 * Spec §2.1: one event of a monitoring tool. `(envcustomerid, ieventid)` identifies it (at most
 * 64 + 1024 bytes: always storable); the alert identity can be longer than an index key may be.
 */
@IndexKeys<EventRecord>({
  label: 'envcustomerid, entityid, parametercategory, parameterid (parametername when absent) and splitby',
  keys: (r) => [
    [
      textPart('envcustomerid', r.envcustomerid),
      textPart('entityid', r.entityid),
      textPart('parametercategory', r.parametercategory),
      r.parameterid == null ? textPart('parametername', r.parametername) : textPart('parameterid', r.parameterid),
      textPart('splitby', r.splitby),
    ],
  ],
})
export class EventRecord {
  @ApiProperty({ example: 'acme', description: 'The customer (tenant) id' })
  @IsCustomerId()
  envcustomerid: string;

  @ApiPropertyOptional({ description: "The customer's name in the source tool" })
  @IsOptional()
  @IsText(LIMITS.name)
  toolcustomername?: string;

  @ApiProperty({ example: 'evt-000123', description: 'The source event id; a repeat is a no-op' })
  @IsText(LIMITS.id)
  ieventid: string;

  @ApiProperty({ example: 'web-01', description: 'Display name of the affected entity' })
  @IsText(LIMITS.name)
  entity: string;

  @ApiProperty({ example: 'host-4711', description: 'Stable id of the entity' })
  @IsText(LIMITS.id)
  entityid: string;

  @ApiPropertyOptional({ example: 'cpu' })
  @IsOptional()
  @IsText(LIMITS.id)
  parametercategory?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsText(LIMITS.id)
  parametertype?: string;

  @ApiProperty({ example: 'cpu.utilization', description: 'What is measured or checked' })
  @IsText(LIMITS.name)
  parametername: string;

  @ApiPropertyOptional({ description: 'Defaults to parametername' })
  @IsOptional()
  @IsText(LIMITS.id)
  parameterid?: string;

  @ApiProperty({
    oneOf: [{ type: 'integer', minimum: 0, maximum: 5 }, { type: 'string' }],
    example: 'critical',
    description: '0 clear, 1 indeterminate, 2 warning, 3 minor, 4 major, 5 critical; number or name, any case',
  })
  @IsSeverity()
  severity: number | string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsText(LIMITS.text)
  description?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsText(LIMITS.text)
  messages?: string;

  @ApiProperty({ example: '2024-05-01T12:00:00Z', description: 'ISO-8601; without a zone, UTC' })
  @IsIsoDateTime()
  firstoccurrence: string;

  @ApiPropertyOptional({ description: 'Defaults to firstoccurrence' })
  @IsOptional()
  @IsIsoDateTime()
  lastoccurrence?: string;

  @ApiPropertyOptional({ example: '/var', description: 'Splits one parameter into separate alerts' })
  @IsOptional()
  @IsText(LIMITS.id)
  splitby?: string;

  @ApiPropertyOptional({ example: 'nagios' })
  @IsOptional()
  @IsText(LIMITS.name)
  source?: string;
}
