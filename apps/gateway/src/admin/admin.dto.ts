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

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const CUSTOMER_ID_MESSAGE = '$property must be 1-64 characters of A-Z a-z 0-9 _ . : -';

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Acme Managed Services' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  name: string;
}

export class CreateCustomerDto {
  @ApiPropertyOptional({ example: 'acme', description: 'Defaults to a generated id' })
  @IsOptional() @IsString() @Matches(CUSTOMER_ID_PATTERN, { message: CUSTOMER_ID_MESSAGE })
  id?: string;

  @ApiProperty({ example: 'Acme Corp' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  organizationId?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  active?: boolean;
}

export class UpdateCustomerDto {
  @ApiPropertyOptional()
  @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  active?: boolean;
}

const USER_TYPES = ['API', 'UI'] as const;

export class CreateUserDto {
  @ApiProperty({ example: 'nifi@acme.example' })
  @Transform(trim) @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'NiFi connector' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiProperty({ minLength: 8, writeOnly: true })
  @IsString() @MinLength(8) @MaxLength(1024)
  password: string;

  @ApiProperty({ enum: USER_TYPES, description: 'API: may publish and call §2–§4; UI: dashboards only' })
  @IsIn(USER_TYPES)
  type: 'API' | 'UI';

  @ApiPropertyOptional({ default: false })
  @IsOptional() @IsBoolean()
  isSuperadmin?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Administers the integrations of its customers' })
  @IsOptional() @IsBoolean()
  isAdmin?: boolean;

  @ApiProperty({ type: [String], example: ['acme'] })
  @IsArray() @ArrayMaxSize(10_000) @IsString({ each: true })
  customers: string[];
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ minLength: 8, writeOnly: true })
  @IsOptional() @IsString() @MinLength(8) @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ enum: USER_TYPES })
  @IsOptional() @IsIn(USER_TYPES)
  type?: 'API' | 'UI';

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  isAdmin?: boolean;

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(10_000) @IsString({ each: true })
  customers?: string[];
}
