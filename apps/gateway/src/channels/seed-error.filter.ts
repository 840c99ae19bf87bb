import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { sendContractError } from '../http/contract-exception.filter';
import { flagsOf, renderSeed } from './seed-answer';

/** The contract's error bodies, written as seed 002's `pretty` and `envelope` ask. */
@Catch()
export class SeedErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const flags = flagsOf(http.getRequest<FastifyRequest>());
    sendContractError(reply, exception, this.logger, (status, body) => renderSeed(reply, status, body, flags));
  }
}
