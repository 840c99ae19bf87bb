import { Body, Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBasicAuth,
  ApiBody,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { Errors, Messages } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';

import { AccessCache } from './access-cache.service';
import { AccessTokenService } from './access-token.service';
import { TokenLoginGuard } from './basic-auth.guard';
import { CurrentUser, Principal } from './principal';
import { RefreshTokenService } from './refresh-token.service';

export const ACCESS_COOKIE = 'access_token';
export const REFRESH_COOKIE = 'refresh_token';
// The refresh cookie is only ever sent to the token routes below.
const REFRESH_COOKIE_PATH = '/api/v1/user';

/** Spec §1: Basic login, refresh with rotation, logout. */
@ApiTags('tokens')
@Controller('api/v1/user')
export class TokenController {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly access: AccessCache,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
  ) {}

  @Post('token')
  @HttpCode(200)
  @UseGuards(TokenLoginGuard)
  @ApiBasicAuth()
  @ApiOperation({
    summary: 'Log in with HTTP Basic email:password; returns access and refresh tokens (body and cookies)',
  })
  @ApiOkResponse({
    description: '{"status_code": 200, "data": {email, name, is_superadmin, access_token, refresh_token}}',
  })
  @ApiUnauthorizedResponse({ description: '{"detail": "Invalid username/password"}' })
  @ApiTooManyRequestsResponse({
    description:
      '{"message": "Too many requests"} with Retry-After: too many failed logins of this account or address (README, login throttling)',
  })
  async login(@CurrentUser() user: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const { familyId, refreshToken } = await this.refreshTokens.startFamily(user.id);
    return this.issue(user, familyId, refreshToken, reply);
  }

  @Post('token/refresh')
  @HttpCode(200)
  @ApiCookieAuth('refresh_token')
  @ApiBody({ required: false, schema: { type: 'object', properties: { refresh_token: { type: 'string' } } } })
  @ApiOperation({ summary: 'Exchange a refresh token (cookie or body) for a new pair; the old one stops working' })
  @ApiUnauthorizedResponse({ description: '{"message": "Invalid refresh token"}' })
  async refresh(@Req() req: FastifyRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const token = refreshTokenOf(req, body);
    const rotated = token ? await this.refreshTokens.rotate(token) : undefined;
    const user = rotated && (await this.access.principalById(rotated.userId));
    if (!rotated || !user) throw Errors.invalidRefreshToken();
    return this.issue(user, rotated.familyId, rotated.refreshToken, reply);
  }

  @Post('logout')
  @HttpCode(200)
  @ApiCookieAuth('refresh_token')
  @ApiBody({ required: false, schema: { type: 'object', properties: { refresh_token: { type: 'string' } } } })
  @ApiOperation({ summary: 'Revoke the session of the given refresh token and clear both cookies' })
  @ApiOkResponse({ description: '{"message": "Logged out"}' })
  async logout(@Req() req: FastifyRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const token = refreshTokenOf(req, body);
    if (token) await this.refreshTokens.revokeByToken(token);
    const flags = this.cookieFlags();
    reply.clearCookie(ACCESS_COOKIE, { ...flags, path: '/' });
    reply.clearCookie(REFRESH_COOKIE, { ...flags, path: REFRESH_COOKIE_PATH });
    return { message: Messages.loggedOut };
  }

  private issue(user: Principal, familyId: string, refreshToken: string, reply: FastifyReply) {
    const accessToken = this.accessTokens.sign({ sub: user.id, fam: familyId });
    const flags = this.cookieFlags();
    reply.setCookie(ACCESS_COOKIE, accessToken, { ...flags, path: '/', maxAge: this.config.accessTokenTtl });
    reply.setCookie(REFRESH_COOKIE, refreshToken, {
      ...flags,
      path: REFRESH_COOKIE_PATH,
      maxAge: this.config.refreshTokenTtl,
    });
    return {
      status_code: 200,
      data: {
        email: user.email,
        name: user.name,
        is_superadmin: user.isSuperadmin,
        access_token: accessToken,
        refresh_token: refreshToken,
      },
    };
  }

  private cookieFlags() {
    return { httpOnly: true, sameSite: 'strict' as const, secure: this.config.cookieSecure };
  }
}

function refreshTokenOf(req: FastifyRequest, body: unknown): string | undefined {
  const fromBody = (body as { refresh_token?: unknown } | undefined)?.refresh_token;
  if (typeof fromBody === 'string' && fromBody.length > 0) return fromBody;
  return req.cookies?.[REFRESH_COOKIE] || undefined;
}
