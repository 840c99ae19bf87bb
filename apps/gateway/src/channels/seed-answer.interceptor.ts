import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { map } from 'rxjs';

import { flagsOf, renderSeed } from './seed-answer';

/** Writes a successful answer as seed 002's `pretty` and `envelope` ask. */
@Injectable()
export class SeedAnswerInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const flags = flagsOf(req);
    if (!flags.pretty && !flags.envelope) return next.handle();
    const reply = http.getResponse<FastifyReply>();
    // Nest sets the route's status (@HttpCode, else the method's default) before the handler
    // runs, and a handler may change it (a test not finished yet is a 202): read it after.
    return next.handle().pipe(map((body: unknown) => renderSeed(reply, reply.statusCode, body, flags)));
  }
}
