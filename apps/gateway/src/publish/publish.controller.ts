import { applyDecorators, Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCookieAuth,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { Messages } from '@sluice/common';
import { EntityRecord, EventRecord, HeartbeatRecord, MetricRecord, ServiceRecord } from '@sluice/contracts';
import { PUBLISH_TOPICS, PublishRoute } from '@sluice/queue';
import type { FastifyRequest } from 'fastify';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentUser, Principal } from '../auth/principal';
import { ApiUserGuard } from '../auth/role.guards';
import { UserThrottlerGuard } from '../rate-limit/user-throttler.guard';
import { PublishService } from './publish.service';

/** OpenAPI for one publish route: the record or a batch of them, and every answer of spec §2. */
function PublishRouteDocs(route: PublishRoute) {
  const { record, summary } = PUBLISH_TOPICS[route];
  const ref = { $ref: getSchemaPath(record) };
  return applyDecorators(
    ApiCookieAuth('access_token'),
    ApiBearerAuth(),
    ApiOperation({ summary, description: 'One record (JSON object) or a batch (JSON array of 1 to 1000). gzip, deflate and br bodies are accepted.' }),
    ApiBody({ schema: { oneOf: [ref, { type: 'array', items: ref, minItems: 1, maxItems: 1000 }] } }),
    ApiOkResponse({ description: `{"message": "${Messages.published}", "count": n, "requestId": "..."}: every record is durably queued` }),
    ApiBadRequestResponse({ description: `"${Messages.invalidPayload}" with errors [{index, field, error}], or "${Messages.inactiveCustomer}"` }),
    ApiUnauthorizedResponse({ description: `"${Messages.missingAccessToken}", "${Messages.invalidAccessToken}" or "${Messages.notAssociated}"` }),
    ApiForbiddenResponse({ description: `"${Messages.accessDenied}": a UI user` }),
    ApiPayloadTooLargeResponse({ description: `"${Messages.payloadTooLarge}"` }),
    ApiTooManyRequestsResponse({ description: `"${Messages.tooManyRequests}", with Retry-After` }),
    ApiServiceUnavailableResponse({ description: `"${Messages.unavailable}", with Retry-After: the queue cannot take data now` }),
  );
}

/** Spec §2: the five publish routes and the unauthenticated health check. */
@ApiTags('publish')
@ApiExtraModels(EventRecord, MetricRecord, EntityRecord, ServiceRecord, HeartbeatRecord)
@Controller('publish')
export class PublishController {
  constructor(private readonly publisher: PublishService) {}

  @Get('healthcheck')
  @ApiOperation({ summary: 'Is the publish API up? No authentication.' })
  @ApiOkResponse({ description: `{"message": "${Messages.apiRunning}"}` })
  healthcheck() {
    return { message: Messages.apiRunning };
  }

  @Post('allevents')
  @HttpCode(200)
  @UseGuards(AccessTokenGuard, ApiUserGuard, UserThrottlerGuard)
  @PublishRouteDocs('allevents')
  events(@Body() body: unknown, @CurrentUser() user: Principal, @Req() req: FastifyRequest) {
    return this.publisher.publish('allevents', body, user, req.id);
  }

  @Post('metrics')
  @HttpCode(200)
  @UseGuards(AccessTokenGuard, ApiUserGuard, UserThrottlerGuard)
  @PublishRouteDocs('metrics')
  metrics(@Body() body: unknown, @CurrentUser() user: Principal, @Req() req: FastifyRequest) {
    return this.publisher.publish('metrics', body, user, req.id);
  }

  @Post('entity')
  @HttpCode(200)
  @UseGuards(AccessTokenGuard, ApiUserGuard, UserThrottlerGuard)
  @PublishRouteDocs('entity')
  entity(@Body() body: unknown, @CurrentUser() user: Principal, @Req() req: FastifyRequest) {
    return this.publisher.publish('entity', body, user, req.id);
  }

  @Post('service')
  @HttpCode(200)
  @UseGuards(AccessTokenGuard, ApiUserGuard, UserThrottlerGuard)
  @PublishRouteDocs('service')
  service(@Body() body: unknown, @CurrentUser() user: Principal, @Req() req: FastifyRequest) {
    return this.publisher.publish('service', body, user, req.id);
  }

  @Post('healthcheck')
  @HttpCode(200)
  @UseGuards(AccessTokenGuard, ApiUserGuard, UserThrottlerGuard)
  @PublishRouteDocs('healthcheck')
  heartbeat(@Body() body: unknown, @CurrentUser() user: Principal, @Req() req: FastifyRequest) {
    return this.publisher.publish('healthcheck', body, user, req.id);
  }
}
