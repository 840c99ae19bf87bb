import { Body, Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiBearerAuth, ApiCookieAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ContractError } from '@sluice/common';
import { PrismaService } from '@sluice/database';
import { QueueName } from '@sluice/queue';
import type { FastifyRequest } from 'fastify';
import { validateBody } from '../http/validation';
import { QueueProducer } from '../queue/queue-producer.service';
import { INTEGRATION_TOKEN_HEADER, ItsmCaller, ItsmCallerGuard } from './itsm-caller.guard';
import { TicketUpdateDto } from './ticket-update.dto';

/** Spec §3: an ITSM tool reports a ticket change; the linked alert follows (in the worker). */
@ApiTags('itsm')
@ApiBasicAuth()
@ApiBearerAuth()
@ApiCookieAuth('access_token')
@ApiHeader({ name: INTEGRATION_TOKEN_HEADER, required: false, description: 'The inbound token of an installed WEBHOOK integration' })
@Controller('gbpipush')
export class GbpipushController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly producer: QueueProducer,
  ) {}

  @Post(':customerId')
  @HttpCode(200)
  @UseGuards(ItsmCallerGuard)
  @ApiOperation({ summary: 'Ticket changed: {"state", "sysid", "number"?, "comments"?, "resolvedby"?} → {"message": "Success"}' })
  @ApiBody({ type: TicketUpdateDto })
  async update(@Param('customerId') customerId: string, @Body() body: unknown, @Req() req: FastifyRequest & { caller: ItsmCaller }) {
    const caller = req.caller;
    // The guard checked the caller, the customer and the mapping; the body comes after them, as
    // the contract orders the checks.
    const dto = await validateBody(TicketUpdateDto, body, { ignoreUnknown: true });

    const alert = await this.prisma.alert.findFirst({ where: { envcustomerid: customerId, ticketSysid: dto.sysid }, select: { id: true } });
    if (!alert) throw new ContractError(404, { message: 'Ticket not found' });

    await this.producer.enqueue(QueueName.ItsmUpdates, {
      requestId: req.id,
      receivedAt: new Date().toISOString(),
      customerId,
      alertId: alert.id,
      update: { state: dto.state, sysid: dto.sysid, number: dto.number, comments: dto.comments, resolvedby: dto.resolvedby },
      via: caller.kind === 'integration' ? { integrationId: caller.integrationId } : { userEmail: caller.user.email },
    });
    return { message: 'Success' };
  }
}
