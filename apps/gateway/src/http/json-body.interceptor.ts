import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { from, Observable, switchMap } from 'rxjs';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';

import { parseRawBody, RawBody } from './raw-body';

/**
 * Runs after the guards (authentication, access, rate limit) and before pipes and handlers:
 * turns the raw body into parsed JSON, or answers 400/413.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  constructor(@Inject(SLUICE_CONFIG) private readonly config: SluiceConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (!(req.body instanceof RawBody)) return next.handle();
    return from(parseRawBody(req.body, this.config.bodyLimit)).pipe(
      switchMap((body) => {
        req.body = body;
        return next.handle();
      }),
    );
  }
}
