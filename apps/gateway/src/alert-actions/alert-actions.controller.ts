import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, foundOrThrow, Principal, scopeOf } from '../auth/principal';
import { AlertRepository } from '../persistence/alert.repository';
import { ALERT_NOT_FOUND, alertIdPipe } from '../query/alert-params';
import { alertWithHistoryView } from '../query/views';
import { AlertActionDto } from './alert-action.dto';
import { AlertActionsService } from './alert-actions.service';

@ApiTags('alerts')
@Controller('api/v1/alerts')
export class AlertActionsController {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly actions: AlertActionsService,
  ) {}

  @Post(':id/actions')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({
    summary: 'Act on an alert: ack, unack, resolve, reopen or note (API and UI users of its customer)',
    description:
      'Answers the alert with its history. `ack` takes an OPEN alert to ACKNOWLEDGED, `unack` the reverse, ' +
      '`resolve` an OPEN or ACKNOWLEDGED one to RESOLVED, `reopen` a RESOLVED one to OPEN, `note` (with `note`) ' +
      'applies in every state. 409 when the action does not apply to the state, with why; 400 for an unknown ' +
      "action. Each action is a history row naming the user; an acknowledge or resolve reaches the alert's " +
      'ITSM ticket and notification channels as one from an event does.',
  })
  async act(
    @CurrentUser() user: Principal,
    @Param('id', alertIdPipe) id: string,
    @Body() dto: AlertActionDto,
    @Req() req: FastifyRequest,
  ) {
    const { envcustomerid } = foundOrThrow(await this.alerts.stateOf(scopeOf(user), id), ALERT_NOT_FOUND);
    await this.actions.act(user, envcustomerid, id, dto, req.id);
    return alertWithHistoryView(foundOrThrow(await this.alerts.withHistory(scopeOf(user), id), ALERT_NOT_FOUND));
  }
}
