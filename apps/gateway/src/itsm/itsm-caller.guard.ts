import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { Errors, sha256Hex } from '@sluice/common';

import { AccessCache } from '../auth/access-cache.service';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { BasicCredentialsGuard } from '../auth/basic-auth.guard';
import { assertApiUser, mayUseCustomer, Principal } from '../auth/principal';
import { IntegrationRepository } from '../persistence/integration.repository';

export const INTEGRATION_TOKEN_HEADER = 'x-integration-token';

/** Who called /gbpipush: a user (Basic or access token) or an installed integration (its token). */
export type ItsmCaller =
  { kind: 'user'; user: Principal } | { kind: 'integration'; integrationId: string; tenantId: string };

/**
 * Spec §3 authentication, in the order of its table: the inbound token of an installed WEBHOOK
 * integration (`X-Integration-Token`), else HTTP Basic (401 "Invalid credentials"), else an
 * access token (401 "Missing/Invalid access token"); then a user must be an API user (403); then
 * the customer of the path must be active (400) and the caller's (401). These run in a guard, before
 * the body is parsed (json-body.interceptor.ts), so that a malformed body cannot jump the queue.
 */
@Injectable()
export class ItsmCallerGuard implements CanActivate {
  private readonly basic = new BasicCredentialsGuard();

  constructor(
    private readonly accessTokens: AccessTokenGuard,
    private readonly integrations: IntegrationRepository,
    private readonly access: AccessCache,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context
      .switchToHttp()
      .getRequest<FastifyRequest & { user?: Principal; caller?: ItsmCaller; params: { customerId: string } }>();
    const caller = await this.authenticate(context, req);
    const { customerId } = req.params;
    const status = (await this.access.customerStatuses([customerId])).get(customerId);
    if (!status?.active) throw Errors.inactiveCustomer();
    const mapped =
      caller.kind === 'integration' ? caller.tenantId === customerId : mayUseCustomer(caller.user, customerId);
    if (!mapped) throw Errors.notAssociated();
    req.caller = caller;
    return true;
  }

  private async authenticate(
    context: ExecutionContext,
    req: FastifyRequest & { user?: Principal },
  ): Promise<ItsmCaller> {
    const token = req.headers[INTEGRATION_TOKEN_HEADER];
    if (typeof token === 'string') {
      const integration = token ? await this.integrations.byInboundToken(sha256Hex(token)) : null;
      if (!integration || integration.inboundAuthType !== 'WEBHOOK') throw Errors.invalidAccessToken();
      return { kind: 'integration', integrationId: integration.id, tenantId: integration.tenantId };
    }
    if (/^basic\b/i.test(req.headers.authorization ?? '')) await this.basic.canActivate(context);
    else await this.accessTokens.canActivate(context);
    assertApiUser(req.user!);
    return { kind: 'user', user: req.user! };
  }
}
