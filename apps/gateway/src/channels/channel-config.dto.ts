import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Max, MaxLength, Min } from 'class-validator';

import type { ChannelTypeName } from '@sluice/contracts';
import { CHANNEL_REGIONS } from '@sluice/contracts';

import { Omittable } from '../admin/omittable.decorator';

/*
 * The request bodies of spec §9, one class per integration type (seed 002's fields). Every field
 * is optional here: which ones a type needs is checked on the configuration as it will be stored
 * (a PUT may leave out what is already set), in channel-merge.ts. A field of another type is
 * refused ("property … should not exist"). `null` for a field that must stay set is a 400; for an
 * optional one (channelName, routingKey, secret) it clears it.
 */

const apply =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) =>
    decorators.forEach((d) => d(target, key));

const SECRET_NOTE =
  'Secret: stored encrypted, answered as "****" and its last four characters. Leave it out, or send back the ' +
  'redacted value as answered, to keep the stored one.';

/** A field the type needs; null is refused. Omittable() comes after the other validators: it must see them. */
const needed = (description: string, example: string, max = 1024): PropertyDecorator =>
  apply(
    ApiProperty({ description, example, maxLength: max }),
    IsString(),
    IsNotEmpty({ message: '$property must not be empty' }),
    MaxLength(max),
    Omittable(),
  );
const neededSecret = (description: string, example: string) => needed(`${description}. ${SECRET_NOTE}`, example);

/** A field the type may have; null (and for channelName "") clears it. */
const optional = (description: string, example: string, max = 1024): PropertyDecorator =>
  apply(
    ApiPropertyOptional({ description, example, maxLength: max, nullable: true }),
    IsOptional(),
    IsString(),
    MaxLength(max),
  );

/** `type`: the path's integration type, always sent (seed 002). */
const typeOf = (type: ChannelTypeName): PropertyDecorator =>
  apply(
    ApiProperty({ enum: [type], description: 'Equal to the INTEGRATION-TYPE of the path' }),
    IsIn([type], { message: `type must be ${type}, the integration type of the path` }),
  );

const region = (required: boolean): PropertyDecorator =>
  apply(
    (required ? ApiProperty : ApiPropertyOptional)({
      enum: CHANNEL_REGIONS,
      default: 'US',
      description: required
        ? "Which of the service's hosts is called; a new integration must name it"
        : "Which of the service's hosts is called",
    }),
    IsIn(CHANNEL_REGIONS, { message: 'region must be US or EU' }),
    Omittable(),
  );

/** What every type has besides its own fields (beyond the seed, spec §9). */
export abstract class ChannelCommonDto {
  abstract type: ChannelTypeName;

  @ApiPropertyOptional({
    default: 4,
    minimum: 0,
    maximum: 5,
    description: 'Alerts are sent once they reach this severity (0 clear … 5 critical)',
  })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(5)
  minSeverity?: number;

  @ApiPropertyOptional({ default: true, description: 'false: nothing is sent, the configuration is kept' })
  @Omittable()
  @IsBoolean()
  enabled?: boolean;
}

export class PagerDutyIntegrationDto extends ChannelCommonDto {
  @typeOf('PAGER_DUTY') type: 'PAGER_DUTY';
  @neededSecret('Integration (routing) key of the PagerDuty service', 'a1b2c3d4e5f60718293a4b5c6d7e8f90')
  serviceKey?: string;
  @region(false) region?: 'US' | 'EU';
}

export class SlackIntegrationDto extends ChannelCommonDto {
  @typeOf('SLACK') type: 'SLACK';
  @neededSecret('Bot token (xoxb-…) that may post to the channel', 'xoxb-0000000000-0000000000000-abcdefghijkl')
  apiToken?: string;
  @needed('Slack workspace (team) name', 'acme') teamName?: string;
  @optional('Channel to post to ("" when not set)', '#ops-alerts') channelName?: string | null;
}

export class DatadogIntegrationDto extends ChannelCommonDto {
  @typeOf('DATADOG') type: 'DATADOG';
  @neededSecret('Datadog API key', '0123456789abcdef0123456789abcdef') apiKey?: string;
  @region(true) region?: 'US' | 'EU';
}

export class NewRelicIntegrationDto extends ChannelCommonDto {
  @typeOf('NEW_RELIC') type: 'NEW_RELIC';
  @neededSecret('License key', '0123456789abcdef0123456789abcdef0123NRAL') licenseKey?: string;
  @needed('New Relic account id', '1234567', 64) accountId?: string;
  @neededSecret('Insights insert key', 'NRII-0123456789abcdef0123456789abcdef') writeToken?: string;
  @neededSecret('Insights query key', 'NRIQ-0123456789abcdef0123456789abcdef') readToken?: string;
  @region(false) region?: 'US' | 'EU';
}

export class OpsGenieIntegrationDto extends ChannelCommonDto {
  @typeOf('OPS_GENIE') type: 'OPS_GENIE';
  @neededSecret('API key of an Opsgenie API integration', '01234567-89ab-cdef-0123-456789abcdef') apiKey?: string;
  @region(true) region?: 'US' | 'EU';
}

export class VictorOpsIntegrationDto extends ChannelCommonDto {
  @typeOf('VICTOR_OPS') type: 'VICTOR_OPS';
  @neededSecret('REST endpoint API key', '01234567-89ab-cdef-0123-456789abcdef') apiKey?: string;
  @optional(`Routing key. ${SECRET_NOTE}`, 'database-team') routingKey?: string | null;
}

export class WebhookIntegrationDto extends ChannelCommonDto {
  @typeOf('WEBHOOK') type: 'WEBHOOK';
  @ApiProperty({ description: 'Where alerts are POSTed (http or https)', example: 'https://hooks.example.com/sluice' })
  @Omittable()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http(s) URL' },
  )
  @MaxLength(2048)
  url?: string;
  @optional(`Signing secret (Standard Webhooks, HMAC-SHA256). ${SECRET_NOTE}`, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')
  secret?: string | null;
}

export class HipChatIntegrationDto extends ChannelCommonDto {
  @typeOf('HIP_CHAT') type: 'HIP_CHAT';
  @neededSecret(
    'HipChat notification token (the service is shut down: nothing is delivered)',
    'hipchat-token-0123456789',
  )
  notificationToken?: string;
  @needed('HipChat room name', 'ops') roomName?: string;
}

export class FlowdockIntegrationDto extends ChannelCommonDto {
  @typeOf('FLOWDOCK') type: 'FLOWDOCK';
  @needed('Flow name', 'ops-flow') flowName?: string;
  @neededSecret('Flowdock API token (the service is shut down: nothing is delivered)', 'flowdock-token-0123456789')
  apiToken?: string;
  @needed('Organization name', 'acme') orgName?: string;
}

/** The body class of each type. */
export const CHANNEL_DTOS: Record<ChannelTypeName, new () => ChannelCommonDto> = {
  PAGER_DUTY: PagerDutyIntegrationDto,
  SLACK: SlackIntegrationDto,
  DATADOG: DatadogIntegrationDto,
  NEW_RELIC: NewRelicIntegrationDto,
  OPS_GENIE: OpsGenieIntegrationDto,
  VICTOR_OPS: VictorOpsIntegrationDto,
  WEBHOOK: WebhookIntegrationDto,
  HIP_CHAT: HipChatIntegrationDto,
  FLOWDOCK: FlowdockIntegrationDto,
};
