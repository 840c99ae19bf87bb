import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

import { Errors } from '@sluice/common';
import { QueueName } from '@sluice/queue';

import { Authenticated } from '../auth/authenticated.decorator';
import { validateBody } from '../http/validation';
import { AlertRepository } from '../persistence/alert.repository';
import { QueueProducer } from '../queue/queue-producer.service';
import { INTEGRATION_TOKEN_HEADER, ItsmCaller, ItsmCallerGuard } from './itsm-caller.guard';
import { TicketUpdateDto } from './ticket-update.dto';

/** Spec §3: an ITSM tool reports a ticket change; the linked alert follows (in the worker). */
@ApiTags('itsm')
@Authenticated({ authenticator: ItsmCallerGuard })
@ApiHeader({
  name: INTEGRATION_TOKEN_HEADER,
  required: false,
  description: 'The inbound token of an installed WEBHOOK integration',
})
@Controller('gbpipush')
export class GbpipushController {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly producer: QueueProducer,
  ) {}

  @Post(':customerId')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ticket changed: {"state", "sysid", "number"?, "comments"?, "resolvedby"?} → {"message": "Success"}',
  })
  @ApiBody({ type: TicketUpdateDto })
  async update(
    @Param('customerId') customerId: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest & { caller: ItsmCaller },
  ) {
    const caller = req.caller;
    // The guard checked the caller, the customer and the mapping; the body comes after them, as
    // the contract orders the checks.
    const dto = await validateBody(TicketUpdateDto, body, { ignoreUnknown: true });

    const alertId = await this.alerts.idByTicket(customerId, dto.sysid);
    if (!alertId) throw Errors.notFound('Ticket not found');

    await this.producer.enqueue(QueueName.ItsmUpdates, {
      requestId: req.id,
      receivedAt: new Date().toISOString(),
      customerId,
      alertId,
      update: {
        state: dto.state,
        sysid: dto.sysid,
        number: dto.number,
        comments: dto.comments,
        resolvedby: dto.resolvedby,
      },
      via: caller.kind === 'integration' ? { integrationId: caller.integrationId } : { userEmail: caller.user.email },
    });
    return { message: 'Success' };
  }
}
