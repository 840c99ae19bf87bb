import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { map } from 'rxjs';

import { flagsOf, renderSeed } from './seed-answer';

/** Writes a successful answer as seed 002's `pretty` and `envelope` ask. */
@Injectable()
export class SeedAnswerInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const flags = flagsOf(req);
    if (!flags.pretty && !flags.envelope) return next.handle();
    // The status Nest will send: the handler's @HttpCode, else its method's default.
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
      (req.method === 'POST' ? 201 : 200);
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(map((body: unknown) => renderSeed(reply, status, body, flags)));
  }
}
