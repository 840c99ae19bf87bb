import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';

import { IsIsoDateTime } from '@sluice/contracts';

import { API_KEY_SCOPES, ApiKeyScope } from '../auth/api-key';
import { PageQueryDto } from '../http/page-query.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateApiKeyDto {
  @ApiProperty({ example: 'alertmanager-prod', description: 'What the key is for (shown in the list)' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['publish'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(API_KEY_SCOPES, { each: true, message: `each value in scopes must be one of ${API_KEY_SCOPES.join(', ')}` })
  scopes: ApiKeyScope[];

  @ApiPropertyOptional({ example: '2027-12-31T23:59:59Z', description: 'ISO-8601, in the future; default never' })
  @IsOptional()
  @IsIsoDateTime()
  expiresAt?: string;
}

export class ApiKeyOwnerDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Superadmins: another user's keys" })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class ApiKeyQueryDto extends IntersectionType(PageQueryDto, ApiKeyOwnerDto) {}
