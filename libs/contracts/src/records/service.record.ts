import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

import { IsCustomerId, IsIdList, IsIsoDateTime, IsPlainObject, IsText, LIMITS } from '../validation/decorators';

/** Spec §2.4: a service, the entities it is made of and the services it depends on. */
export class ServiceRecord {
  @ApiProperty({ example: 'acme' })
  @IsCustomerId()
  envcustomerid: string;

  @ApiProperty({ example: 'svc-billing' })
  @IsText(LIMITS.id)
  serviceid: string;

  @ApiProperty({ example: 'Billing' })
  @IsText(LIMITS.name)
  service: string;

  @ApiPropertyOptional({ example: 'business' })
  @IsOptional()
  @IsText(LIMITS.id)
  servicetype?: string;

  @ApiProperty({ type: [String], example: ['app-7', 'db-2'] })
  @IsIdList()
  entities: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsIdList()
  dependson?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsPlainObject()
  attributes?: Record<string, unknown>;

  @ApiProperty({ example: '2024-05-01T12:00:00Z' })
  @IsIsoDateTime()
  timestamp: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  deleted?: boolean;
}
