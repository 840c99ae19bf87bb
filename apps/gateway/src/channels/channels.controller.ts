import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { ChannelTestOutcome, ChannelTypeName } from '@sluice/contracts';
import { CHANNEL_TYPES } from '@sluice/contracts';

import { Authenticated } from '../auth/authenticated.decorator';
import type { ChannelView, DeliveryView } from './channel.views';
import { CHANNEL_DTOS } from './channel-config.dto';
import { ChannelTestService } from './channel-test.service';
import { ChannelTypePipe } from './channel-type.pipe';
import { ChannelsService } from './channels.service';
import type { SeedList } from './seed-answer';
import { seedList } from './seed-answer';
import { SeedAnswerInterceptor } from './seed-answer.interceptor';
import { SeedErrorFilter } from './seed-error.filter';
import { SeedQueryDto } from './seed-query.dto';

const BODY_CLASSES = Object.values(CHANNEL_DTOS);
const LIST_ANSWER = '`{"links", "results": [every integration of the customer, secrets redacted], "totalCount"}`';

const typeParam = ApiParam({
  name: 'integrationType',
  enum: CHANNEL_TYPES,
  description: "Seed 002's INTEGRATION-TYPE; another value is a 400",
});
const channelBody = ApiBody({
  description: "A single integration view; `type` equals the path's. Fields of another type are refused.",
  schema: {
    oneOf: BODY_CLASSES.map((cls) => ({ $ref: getSchemaPath(cls) })),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(Object.entries(CHANNEL_DTOS).map(([type, cls]) => [type, getSchemaPath(cls)])),
    },
  },
});

/**
 * Spec §9 (seed 002, where the seed's group is the customer): a customer's notification channels,
 * for superadmins and that customer's admins. The list and every change answer the seed's
 * `{links, results, totalCount}` of all of them; `pretty` and `envelope` apply to every answer.
 */
@ApiTags('notification channels')
@ApiExtraModels(...BODY_CLASSES)
@ApiResponse({ status: 400, description: 'Invalid payload: `errors` names each field (path, query or body)' })
@ApiResponse({ status: 401, description: 'Missing or invalid access token' })
@ApiResponse({ status: 403, description: 'Access denied: not a superadmin nor an admin of the customer' })
@ApiResponse({ status: 404, description: 'No such customer, or no integration of this type' })
@Authenticated({ role: 'tenantAdmin' })
@UseFilters(SeedErrorFilter)
@UseInterceptors(SeedAnswerInterceptor)
@Controller('api/public/v1.0/groups/:customerId/integrations')
export class ChannelsController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly tests: ChannelTestService,
  ) {}

  @Get()
  @ApiOkResponse({ description: LIST_ANSWER })
  @ApiOperation({ summary: "The customer's notification channels (secrets redacted to their last four characters)" })
  list(
    @Req() req: FastifyRequest,
    @Param('customerId') customerId: string,
    @Query() query: SeedQueryDto,
  ): Promise<SeedList<ChannelView>> {
    return this.all(req, customerId, query);
  }

  @Get(':integrationType')
  @typeParam
  @ApiOkResponse({
    description: 'The integration view: `type`, its fields (secrets redacted), region, minSeverity, enabled',
  })
  @ApiOperation({ summary: 'The integration of this type (404 if the customer has none)' })
  get(
    @Param('customerId') customerId: string,
    @Param('integrationType', ChannelTypePipe) type: ChannelTypeName,
    @Query() _query: SeedQueryDto,
  ): Promise<ChannelView> {
    return this.channels.get(customerId, type);
  }

  @Post(':integrationType')
  @typeParam
  @channelBody
  @ApiCreatedResponse({ description: LIST_ANSWER })
  @ApiResponse({ status: 409, description: 'The customer has an integration of this type: PUT changes it' })
  @ApiOperation({
    summary: 'Add the integration of this type (201 with every integration); 409 if there is one (PUT changes it)',
  })
  async create(
    @Req() req: FastifyRequest,
    @Param('customerId') customerId: string,
    @Param('integrationType', ChannelTypePipe) type: ChannelTypeName,
    @Query() query: SeedQueryDto,
    @Body() body: unknown,
  ): Promise<SeedList<ChannelView>> {
    await this.channels.create(customerId, type, body);
    return this.all(req, customerId, query);
  }

  @Put(':integrationType')
  @typeParam
  @channelBody
  @ApiOkResponse({ description: LIST_ANSWER })
  @ApiOperation({
    summary:
      'Add the integration, or change the fields the body carries (a secret left out, or sent back redacted, is kept); ' +
      'answers every integration',
  })
  async put(
    @Req() req: FastifyRequest,
    @Param('customerId') customerId: string,
    @Param('integrationType', ChannelTypePipe) type: ChannelTypeName,
    @Query() query: SeedQueryDto,
    @Body() body: unknown,
  ): Promise<SeedList<ChannelView>> {
    await this.channels.put(customerId, type, body);
    return this.all(req, customerId, query);
  }

  @Delete(':integrationType')
  @typeParam
  @ApiOkResponse({ description: LIST_ANSWER })
  @ApiOperation({ summary: 'Remove the integration of this type (404 if none); answers the integrations left' })
  async remove(
    @Req() req: FastifyRequest,
    @Param('customerId') customerId: string,
    @Param('integrationType', ChannelTypePipe) type: ChannelTypeName,
    @Query() query: SeedQueryDto,
  ): Promise<SeedList<ChannelView>> {
    await this.channels.remove(customerId, type);
    return this.all(req, customerId, query);
  }

  @Get(':integrationType/deliveries')
  @typeParam
  @ApiOkResponse({ description: '`{"links", "results": [deliveries, newest first], "totalCount"}`' })
  @ApiOperation({
    summary:
      "The integration's recent deliveries, newest first: alert, change, attempt, status, the receiver's answer code, error",
  })
  async deliveries(
    @Req() req: FastifyRequest,
    @Param('customerId') customerId: string,
    @Param('integrationType', ChannelTypePipe) type: ChannelTypeName,
    @Query() query: SeedQueryDto,
  ): Promise<SeedList<DeliveryView>> {
    return seedList(req, query, await this.channels.deliveriesOf(customerId, type, query));
  }

  @Post(':integrationType/test')
  @HttpCode(200)
  @typeParam
  @ApiOkResponse({
    description:
      "`{status, responseCode, error, idempotencyKey}`: DELIVERED, FAILED or REFUSED, and the receiver's HTTP status",
  })
  @ApiResponse({ status: 202, description: 'PENDING: not finished in CHANNEL_TEST_WAIT_MS; see …/deliveries' })
  @ApiResponse({ status: 503, description: 'The queue is unreachable: retry later' })
  @ApiOperation({
    summary:
      'Send a test notification now (whatever minSeverity and enabled say) and answer with the receiver’s status',
  })
  async test(
    @Param('customerId') customerId: string,
    @Param('integrationType', ChannelTypePipe) type: ChannelTypeName,
    @Query() _query: SeedQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ChannelTestOutcome> {
    const outcome = await this.tests.run(customerId, await this.channels.idOf(customerId, type));
    if (outcome.status === 'PENDING') void reply.status(202);
    return outcome;
  }

  private async all(req: FastifyRequest, customerId: string, query: SeedQueryDto): Promise<SeedList<ChannelView>> {
    return seedList(req, query, await this.channels.list(customerId, query));
  }
}
