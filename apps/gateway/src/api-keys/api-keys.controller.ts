import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';

import { Errors } from '@sluice/common';

import { CurrentUser, Principal } from '../auth/principal';
import { ApiKeyOwnerDto, ApiKeyQueryDto, CreateApiKeyDto } from './api-key.dto';
import { API_KEY_NOT_FOUND, ApiKeysService } from './api-keys.service';
import { SessionOrPasswordGuard } from './session-or-password.guard';

const keyId = new ParseUUIDPipe({ exceptionFactory: () => Errors.notFound(API_KEY_NOT_FOUND) });

@ApiTags('api keys')
@ApiBearerAuth()
@ApiCookieAuth('access_token')
@ApiBasicAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid access token, or wrong email/password' })
@ApiResponse({
  status: 403,
  description: "Access denied: sent with an API key, or another user's keys without being a superadmin",
})
@UseGuards(SessionOrPasswordGuard)
@Controller('api/v1/apikeys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({
    summary:
      'Create an API key (spec §8.1); `key` is in this answer only. Needs an access token or Basic with the password.',
  })
  @ApiResponse({ status: 201, description: '`{id, name, scopes, expiresAt, createdAt, lastUsedAt: null, key}`' })
  create(@CurrentUser() user: Principal, @Body() dto: CreateApiKeyDto, @Query() owner: ApiKeyOwnerDto) {
    return this.keys.create(user, dto, owner.userId);
  }

  @Get()
  @ApiOperation({ summary: "The caller's API keys, newest first (never the key); `lastUsedAt` is written every 30 s" })
  list(@CurrentUser() user: Principal, @Query() q: ApiKeyQueryDto) {
    return this.keys.list(user, q, q.userId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key: every gateway process refuses it at once' })
  @ApiResponse({ status: 404, description: 'No such key of this user' })
  async revoke(@CurrentUser() user: Principal, @Param('id', keyId) id: string, @Query() owner: ApiKeyOwnerDto) {
    await this.keys.revoke(user, id, owner.userId);
  }
}
