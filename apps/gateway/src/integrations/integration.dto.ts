import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export const ENTITY_TYPES = ['ALERT', 'PROBLEM', 'INCIDENT', 'CHANGE', 'SERVICEREQUEST', 'TASK'] as const;
export const INBOUND_AUTH_TYPES = ['WEBHOOK', 'OAUTH2'] as const;
export const NOTIFIER_TYPES = ['REST_API', 'SOAP_API'] as const;
export const NOTIFIER_AUTH_TYPES = ['NONE', 'BASIC', 'OAUTH2', 'JWT'] as const;
export const GRANT_TYPES = ['CLIENT_CREDENTIALS', 'PASSWORD', 'REFRESH_TOKEN'] as const;

const text = (max = 1024) => [IsString(), MaxLength(max)];
const apply = (...decorators: PropertyDecorator[]): PropertyDecorator => (target, key) => decorators.forEach((d) => d(target, key));

export class IntegrationRefDto {
  @ApiProperty({ example: 'SERVICENOW', description: 'CUSTOM, SERVICENOW or another integration id' })
  @IsString() @Matches(/^[A-Z][A-Z0-9_]{0,63}$/, { message: 'integration.id must be 1-64 characters of A-Z 0-9 _, starting with a letter' })
  id: string;
}

export class RoleDto {
  @ApiProperty({ example: 'ROLE-4718b729-50cc-6634-42c4-ecd09558389d' })
  @apply(...text(256))
  uniqueId: string;
}

export class InboundAuthenticationDto {
  @ApiProperty({ enum: INBOUND_AUTH_TYPES })
  @IsIn(INBOUND_AUTH_TYPES)
  authType: (typeof INBOUND_AUTH_TYPES)[number];

  @ApiPropertyOptional({ type: RoleDto })
  @IsOptional() @ValidateNested() @Type(() => RoleDto)
  role?: RoleDto;
}

export class AttrValueDto {
  @ApiProperty({ example: 'Resolved' }) @apply(...text())
  attrValue: string;

  @ApiPropertyOptional({ example: '6' }) @IsOptional() @apply(...text())
  thirdPartyAttrValue?: string;

  @ApiPropertyOptional({ description: 'Alias of thirdPartyAttrValue' }) @IsOptional() @apply(...text())
  tenantAttrValue?: string;
}

export class MapAttributeDto {
  @ApiProperty({ example: 'Status' }) @apply(...text(256))
  name: string;

  @ApiPropertyOptional({ example: 'state' }) @IsOptional() @apply(...text(256))
  thirdPartyAttrName?: string;

  @ApiPropertyOptional({ description: 'Alias of thirdPartyAttrName' }) @IsOptional() @apply(...text(256))
  tenantAttrName?: string;

  @ApiProperty({ enum: ENTITY_TYPES })
  @IsIn(ENTITY_TYPES, { message: `entityType must be one of ${ENTITY_TYPES.join(', ')}` })
  entityType: (typeof ENTITY_TYPES)[number];

  @ApiPropertyOptional({ example: 'incident' }) @IsOptional() @apply(...text(256))
  thirdPartyEntityType?: string;

  @ApiPropertyOptional({ description: 'Alias of thirdPartyEntityType' }) @IsOptional() @apply(...text(256))
  tenantEntityType?: string;

  @ApiProperty({ type: [AttrValueDto] })
  @IsArray() @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => AttrValueDto)
  attrValues: AttrValueDto[];
}

export class KeyValueDto {
  @ApiProperty() @apply(...text(256))
  key: string;

  @ApiProperty() @apply(...text(4096))
  value: string;
}

/** Seed 000's notifier. Which fields are required depends on authType and grantType (notifier-rules.ts). */
export class BaseNotifierDto {
  @ApiPropertyOptional({ enum: NOTIFIER_TYPES }) @IsOptional() @IsIn(NOTIFIER_TYPES)
  type?: (typeof NOTIFIER_TYPES)[number];

  @ApiPropertyOptional({ example: 'https://acme.service-now.com' }) @IsOptional() @apply(...text(2048))
  baseURI?: string;

  @ApiPropertyOptional({ enum: NOTIFIER_AUTH_TYPES }) @IsOptional() @IsIn(NOTIFIER_AUTH_TYPES)
  authType?: (typeof NOTIFIER_AUTH_TYPES)[number];

  @ApiPropertyOptional({ enum: GRANT_TYPES }) @IsOptional() @IsIn(GRANT_TYPES)
  grantType?: (typeof GRANT_TYPES)[number];

  @ApiPropertyOptional() @IsOptional() @apply(...text(256))
  userName?: string;

  @ApiPropertyOptional({ writeOnly: true }) @IsOptional() @apply(...text(1024))
  password?: string;

  @ApiPropertyOptional() @IsOptional() @apply(...text(1024))
  apiKey?: string;

  @ApiPropertyOptional({ writeOnly: true }) @IsOptional() @apply(...text(1024))
  apiSecret?: string;

  @ApiPropertyOptional({ writeOnly: true, description: 'REFRESH_TOKEN grant: a refresh token you were given' })
  @IsOptional() @apply(...text(4096))
  refreshToken?: string;

  @ApiPropertyOptional() @IsOptional() @apply(...text(2048))
  accessTokenURL?: string;

  @ApiPropertyOptional({ description: 'Alias of accessTokenURL' }) @IsOptional() @apply(...text(2048))
  accessTokenURI?: string;

  @ApiPropertyOptional({ description: 'JWT: the token request URL' }) @IsOptional() @apply(...text(2048))
  tokenURL?: string;

  @ApiPropertyOptional({ writeOnly: true, description: 'JWT: body of the token request (object or string)' })
  @IsOptional()
  tokenPayload?: unknown;

  @ApiPropertyOptional({ type: [KeyValueDto], writeOnly: true, description: 'JWT: headers of the token request' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => KeyValueDto)
  tokenHeaders?: KeyValueDto[];

  @ApiPropertyOptional({ type: [KeyValueDto], description: 'JWT: name → dotted path of each token in the token response' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => KeyValueDto)
  tokensPath?: KeyValueDto[];

  @ApiPropertyOptional({ type: [KeyValueDto], writeOnly: true, description: 'JWT: headers of resource calls; $name is replaced by that token' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => KeyValueDto)
  resourceAuthHeaders?: KeyValueDto[];
}

export class InboundConfigDto {
  @ApiPropertyOptional({ type: InboundAuthenticationDto })
  @IsOptional() @ValidateNested() @Type(() => InboundAuthenticationDto)
  authentication?: InboundAuthenticationDto;

  @ApiPropertyOptional({ type: [MapAttributeDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => MapAttributeDto)
  mapAttributes?: MapAttributeDto[];
}

export class OutboundConfigDto {
  @ApiPropertyOptional({ type: [MapAttributeDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => MapAttributeDto)
  mapAttributes?: MapAttributeDto[];

  @ApiPropertyOptional({ type: BaseNotifierDto })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => BaseNotifierDto)
  baseNotifier?: BaseNotifierDto;

  @ApiPropertyOptional({ default: 4, minimum: 0, maximum: 5, description: 'Alerts at or above this severity open tickets' })
  @IsOptional() @IsInt() @Min(0) @Max(5)
  minSeverity?: number;
}

export class UpdateIntegrationDto {
  @ApiPropertyOptional({ example: 'ServiceNow production' }) @IsOptional() @apply(...text(256))
  displayName?: string;

  @ApiPropertyOptional({ type: InboundConfigDto })
  @IsOptional() @ValidateNested() @Type(() => InboundConfigDto)
  inboundConfig?: InboundConfigDto;

  @ApiPropertyOptional({ type: OutboundConfigDto })
  @IsOptional() @ValidateNested() @Type(() => OutboundConfigDto)
  outboundConfig?: OutboundConfigDto;
}

export class InstallIntegrationDto extends UpdateIntegrationDto {
  @ApiProperty({ type: IntegrationRefDto })
  @IsDefined({ message: 'integration.id is required' }) @ValidateNested() @Type(() => IntegrationRefDto)
  integration: IntegrationRefDto;
}
