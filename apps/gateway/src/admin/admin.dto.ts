import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

import { CUSTOMER_ID_PATTERN } from '@sluice/contracts';

import { Omittable } from './omittable.decorator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const CUSTOMER_ID_MESSAGE = '$property must be 1-64 characters of A-Z a-z 0-9 _ . : -';

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Acme Managed Services' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
}

export class CreateCustomerDto {
  @ApiPropertyOptional({ example: 'acme', description: 'Defaults to a generated id' })
  @Omittable()
  @IsString()
  @Matches(CUSTOMER_ID_PATTERN, { message: CUSTOMER_ID_MESSAGE })
  id?: string;

  @ApiProperty({ example: 'Acme Corp' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'null: in no organization' })
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @ApiPropertyOptional({ default: true })
  @Omittable()
  @IsBoolean()
  active?: boolean;
}

export class UpdateCustomerDto {
  @ApiPropertyOptional()
  @Omittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  active?: boolean;
}

const USER_TYPES = ['API', 'UI'] as const;

export class CreateUserDto {
  @ApiProperty({ example: 'nifi@acme.example' })
  @Transform(trim)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'NiFi connector' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ minLength: 8, writeOnly: true })
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  password: string;

  @ApiProperty({ enum: USER_TYPES, description: 'API: may publish and call §2–§4; UI: dashboards only' })
  @IsIn(USER_TYPES)
  type: 'API' | 'UI';

  @ApiPropertyOptional({ default: false })
  @Omittable()
  @IsBoolean()
  isSuperadmin?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Administers the integrations of its customers' })
  @Omittable()
  @IsBoolean()
  isAdmin?: boolean;

  @ApiProperty({ type: [String], example: ['acme'] })
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  customers: string[];
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @Omittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ minLength: 8, writeOnly: true })
  @Omittable()
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ enum: USER_TYPES })
  @Omittable()
  @IsIn(USER_TYPES)
  type?: 'API' | 'UI';

  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  isAdmin?: boolean;

  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ type: [String] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  customers?: string[];
}
