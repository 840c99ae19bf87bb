import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { FieldError } from '@sluice/common';
import { Errors } from '@sluice/common';

import { sendContractError } from './contract-exception.filter';
import { isStorable, UNSTORABLE_ERROR } from './storable-text';

const logger = new Logger('Http');

/**
 * Path and query parameters are text that handlers hand to PostgreSQL as they are: one that
 * decodes to NUL or an unpaired surrogate is refused here, once for every route (the Nest
 * routes and the plain Fastify publish routes alike), as a 400 naming the parameter. This runs
 * before authentication, like Fastify's own refusal of a URL that is not valid UTF-8.
 */
export function unstorableUrlRefusal(req: FastifyRequest): Error | undefined {
  const errors = unstorableParameters(req);
  return errors.length === 0 ? undefined : Errors.invalidPayload(errors);
}

function unstorableParameters(req: FastifyRequest): FieldError[] {
  const errors: FieldError[] = [];
  const check = (where: 'path' | 'query', params: unknown) => {
    if (params === null || typeof params !== 'object') return;
    for (const [name, value] of Object.entries(params)) {
      if (!isStorable(name)) {
        errors.push({ field: where, error: `a ${where} parameter name ${UNSTORABLE_ERROR}` });
        continue;
      }
      const values: unknown[] = Array.isArray(value) ? value : [value];
      if (values.some((v) => typeof v === 'string' && !isStorable(v)))
        errors.push({ field: name, error: `${name} ${UNSTORABLE_ERROR}` });
    }
  };
  check('path', req.params);
  check('query', req.query);
  return errors;
}

/**
 * Fastify's own refusals of a URL, before any route or hook runs, in the contract's form: a path
 * that is not valid percent-encoded UTF-8 (which is also how an unpaired surrogate would have to
 * be sent), a path parameter over Fastify's `maxParamLength`. No hook runs for these, so the
 * request id and `nosniff` (the header that matters on an error body) are set here.
 */
export function frameworkErrors(error: Error & { code?: string }, req: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', req.id).header('x-content-type-options', 'nosniff');
  const refusal =
    error.code === 'FST_ERR_BAD_URL'
      ? Errors.invalidPayload([{ field: 'path', error: 'the URL path is not valid percent-encoded UTF-8' }])
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? Errors.invalidPayload([
            { field: 'path', error: `a path parameter is longer than ${MAX_PARAM_LENGTH} characters` },
          ])
        : error;
  sendContractError(reply, refusal, logger);
}

/** Fastify's bound on one path parameter (its default); ids of the contract are far shorter. */
export const MAX_PARAM_LENGTH = 100;
