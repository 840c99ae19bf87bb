import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

import { Errors } from '@sluice/common';

import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, foundOrThrow, Principal, scopeOf } from '../auth/principal';
import { AlertRepository } from '../persistence/alert.repository';
import { alertView, historyView } from '../query/views';
import { AlertActionDto } from './alert-action.dto';
import { AlertActionsService } from './alert-actions.service';

const NOT_FOUND = 'Alert not found';
const alertId = new ParseUUIDPipe({ exceptionFactory: () => Errors.notFound(NOT_FOUND) });

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
    @Param('id', alertId) id: string,
    @Body() dto: AlertActionDto,
    @Req() req: FastifyRequest,
  ) {
    const { envcustomerid } = foundOrThrow(await this.alerts.stateOf(scopeOf(user), id), NOT_FOUND);
    await this.actions.act(user, envcustomerid, id, dto, req.id);
    const { alert, history } = foundOrThrow(await this.alerts.withHistory(scopeOf(user), id), NOT_FOUND);
    return { ...alertView(alert), history: history.map(historyView) };
  }
}
