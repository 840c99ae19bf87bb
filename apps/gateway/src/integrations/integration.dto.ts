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
  ValidateBy,
  ValidateNested,
} from 'class-validator';

export const ENTITY_TYPES = ['ALERT', 'PROBLEM', 'INCIDENT', 'CHANGE', 'SERVICEREQUEST', 'TASK'] as const;
export const INBOUND_AUTH_TYPES = ['WEBHOOK', 'OAUTH2'] as const;
export const NOTIFIER_TYPES = ['REST_API', 'SOAP_API'] as const;
export const NOTIFIER_AUTH_TYPES = ['NONE', 'BASIC', 'OAUTH2', 'JWT'] as const;
export const GRANT_TYPES = ['CLIENT_CREDENTIALS', 'PASSWORD', 'REFRESH_TOKEN'] as const;

const text = (max = 1024) => [IsString(), MaxLength(max)];
const apply =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) =>
    decorators.forEach((d) => d(target, key));

/**
 * A nested DTO, or a list of them. `@ValidateNested()` alone passes an array where an object is
 * expected (`"integration": []`) and an array inside a list (`mapAttributes: [[]]`), and the code
 * reading the fields then fails (a 500): each nested value must be a JSON object.
 */
const nested = (cls: () => new () => object): PropertyDecorator =>
  apply(IsObject({ message: '$property must be an object' }), ValidateNested(), Type(cls));
const nestedList = (cls: () => new () => object, max: number): PropertyDecorator =>
  apply(
    IsArray(),
    ArrayMaxSize(max),
    IsObject({ each: true, message: 'each item of $property must be an object' }),
    ValidateNested({ each: true }),
    Type(cls),
  );

/** seed 000's tokenPayload: a JSON object, or the body as a string. */
const IsStringOrObject = (): PropertyDecorator =>
  ValidateBy({
    name: 'isStringOrObject',
    validator: {
      validate: (v: unknown) => typeof v === 'string' || (typeof v === 'object' && v !== null && !Array.isArray(v)),
      defaultMessage: () => '$property must be a string or an object',
    },
  });

export class IntegrationRefDto {
  @ApiProperty({ example: 'SERVICENOW', description: 'CUSTOM, SERVICENOW or another integration id' })
  @IsString()
  @Matches(/^[A-Z][A-Z0-9_]{0,63}$/, {
    message: 'integration.id must be 1-64 characters of A-Z 0-9 _, starting with a letter',
  })
  id: string;

  @ApiPropertyOptional({ readOnly: true, description: 'Answered by Sluice; accepted back unchanged, or left out' })
  @IsOptional()
  @apply(...text(256))
  name?: string;
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
  @IsOptional()
  @nested(() => RoleDto)
  role?: RoleDto;

  @ApiPropertyOptional({
    readOnly: true,
    description: 'The WEBHOOK token as answered when made; accepted back unchanged, never set',
  })
  @IsOptional()
  @apply(...text(256))
  token?: string;
}

export class AttrValueDto {
  @ApiProperty({ example: 'Resolved' })
  @apply(...text())
  attrValue: string;

  @ApiPropertyOptional({ example: '6' })
  @IsOptional()
  @apply(...text())
  thirdPartyAttrValue?: string;

  @ApiPropertyOptional({ description: 'Alias of thirdPartyAttrValue' })
  @IsOptional()
  @apply(...text())
  tenantAttrValue?: string;
}

export class MapAttributeDto {
  @ApiProperty({ example: 'Status' })
  @apply(...text(256))
  name: string;

  @ApiPropertyOptional({
    readOnly: true,
    example: 'incident.status.name',
    description: 'Derived from entityType and name; ignored on input',
  })
  @IsOptional()
  @apply(...text(256))
  attrName?: string;

  @ApiPropertyOptional({ example: 'state' })
  @IsOptional()
  @apply(...text(256))
  thirdPartyAttrName?: string;

  @ApiPropertyOptional({ description: 'Alias of thirdPartyAttrName' })
  @IsOptional()
  @apply(...text(256))
  tenantAttrName?: string;

  @ApiProperty({ enum: ENTITY_TYPES })
  @IsIn(ENTITY_TYPES, { message: `entityType must be one of ${ENTITY_TYPES.join(', ')}` })
  entityType: (typeof ENTITY_TYPES)[number];

  @ApiPropertyOptional({ example: 'incident' })
  @IsOptional()
  @apply(...text(256))
  thirdPartyEntityType?: string;

  @ApiPropertyOptional({ description: 'Alias of thirdPartyEntityType' })
  @IsOptional()
  @apply(...text(256))
  tenantEntityType?: string;

  @ApiProperty({ type: [AttrValueDto] })
  @nestedList(() => AttrValueDto, 500)
  attrValues: AttrValueDto[];
}

export class KeyValueDto {
  @ApiProperty()
  @apply(...text(256))
  key: string;

  @ApiProperty()
  @apply(...text(4096))
  value: string;
}

/** Seed 000's notifier. Which fields are required depends on authType and grantType (notifier-rules.ts). */
export class BaseNotifierDto {
  @ApiPropertyOptional({ enum: NOTIFIER_TYPES })
  @IsOptional()
  @IsIn(NOTIFIER_TYPES)
  type?: (typeof NOTIFIER_TYPES)[number];

  @ApiPropertyOptional({ example: 'https://acme.service-now.com' })
  @IsOptional()
  @apply(...text(2048))
  baseURI?: string;

  @ApiPropertyOptional({ enum: NOTIFIER_AUTH_TYPES })
  @IsOptional()
  @IsIn(NOTIFIER_AUTH_TYPES)
  authType?: (typeof NOTIFIER_AUTH_TYPES)[number];

  @ApiPropertyOptional({ enum: GRANT_TYPES })
  @IsOptional()
  @IsIn(GRANT_TYPES)
  grantType?: (typeof GRANT_TYPES)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @apply(...text(256))
  userName?: string;

  @ApiPropertyOptional({ writeOnly: true })
  @IsOptional()
  @apply(...text(1024))
  password?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @apply(...text(1024))
  apiKey?: string;

  @ApiPropertyOptional({ writeOnly: true })
  @IsOptional()
  @apply(...text(1024))
  apiSecret?: string;

  @ApiPropertyOptional({ writeOnly: true, description: 'REFRESH_TOKEN grant: a refresh token you were given' })
  @IsOptional()
  @apply(...text(4096))
  refreshToken?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @apply(...text(2048))
  accessTokenURL?: string;

  @ApiPropertyOptional({ description: 'Alias of accessTokenURL' })
  @IsOptional()
  @apply(...text(2048))
  accessTokenURI?: string;

  @ApiPropertyOptional({ description: 'JWT: the token request URL' })
  @IsOptional()
  @apply(...text(2048))
  tokenURL?: string;

  @ApiPropertyOptional({ writeOnly: true, description: 'JWT: body of the token request (object or string)' })
  @IsOptional()
  @IsStringOrObject()
  tokenPayload?: unknown;

  @ApiPropertyOptional({ type: [KeyValueDto], writeOnly: true, description: 'JWT: headers of the token request' })
  @IsOptional()
  @nestedList(() => KeyValueDto, 50)
  tokenHeaders?: KeyValueDto[];

  @ApiPropertyOptional({
    type: [KeyValueDto],
    description: 'JWT: name → dotted path of each token in the token response',
  })
  @IsOptional()
  @nestedList(() => KeyValueDto, 50)
  tokensPath?: KeyValueDto[];

  @ApiPropertyOptional({
    type: [KeyValueDto],
    writeOnly: true,
    description: 'JWT: headers of resource calls; $name is replaced by that token',
  })
  @IsOptional()
  @nestedList(() => KeyValueDto, 50)
  resourceAuthHeaders?: KeyValueDto[];
}

export class InboundConfigDto {
  @ApiPropertyOptional({ type: InboundAuthenticationDto })
  @IsOptional()
  @nested(() => InboundAuthenticationDto)
  authentication?: InboundAuthenticationDto;

  @ApiPropertyOptional({ type: [MapAttributeDto] })
  @IsOptional()
  @nestedList(() => MapAttributeDto, 100)
  mapAttributes?: MapAttributeDto[];
}

export class OutboundConfigDto {
  @ApiPropertyOptional({ type: [MapAttributeDto] })
  @IsOptional()
  @nestedList(() => MapAttributeDto, 100)
  mapAttributes?: MapAttributeDto[];

  @ApiPropertyOptional({ type: BaseNotifierDto })
  @IsOptional()
  @nested(() => BaseNotifierDto)
  baseNotifier?: BaseNotifierDto;

  @ApiPropertyOptional({
    default: 4,
    minimum: 0,
    maximum: 5,
    description: 'Alerts at or above this severity open tickets',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5)
  minSeverity?: number;
}

/** What install and update share: the configuration itself. */
class IntegrationConfigDto {
  @ApiPropertyOptional({ example: 'ServiceNow production' })
  @IsOptional()
  @apply(...text(256))
  displayName?: string;

  @ApiPropertyOptional({ type: InboundConfigDto })
  @IsOptional()
  @nested(() => InboundConfigDto)
  inboundConfig?: InboundConfigDto;

  @ApiPropertyOptional({ type: OutboundConfigDto })
  @IsOptional()
  @nested(() => OutboundConfigDto)
  outboundConfig?: OutboundConfigDto;
}

/**
 * An update takes back what its GET answered (a GET-modify-PUT round trip): `id` and
 * `integration` must be the stored ones (a different one is a 400), `attrName` is ignored, and a
 * `token` must be the integration's own.
 */
export class UpdateIntegrationDto extends IntegrationConfigDto {
  @ApiPropertyOptional({ readOnly: true, example: 'INTG-58431d1c-1bdc-4a68-a49f-34435ead1d14' })
  @IsOptional()
  @apply(...text(256))
  id?: string;

  @ApiPropertyOptional({
    type: IntegrationRefDto,
    readOnly: true,
    description: 'Cannot change: uninstall and install another',
  })
  @IsOptional()
  @nested(() => IntegrationRefDto)
  integration?: IntegrationRefDto;
}

export class InstallIntegrationDto extends IntegrationConfigDto {
  @ApiProperty({ type: IntegrationRefDto })
  @IsDefined({ message: 'integration.id is required' })
  @nested(() => IntegrationRefDto)
  integration: IntegrationRefDto;
}
