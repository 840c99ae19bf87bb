import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';

import { ContractError, ErrorBody, Errors, Messages } from '@sluice/common';
import { isConnectionError } from '@sluice/database';

/**
 * Retry-After of a 503 for an unreachable PostgreSQL or Redis: the app's RETRY_AFTER_SECONDS,
 * which the gateway decorates its replies with (`retryAfterSeconds`), else that setting's default.
 */
const retryAfterOf = (reply: FastifyReply) => (reply as { retryAfterSeconds?: number }).retryAfterSeconds ?? 5;

/**
 * Turns every error into the contract's body: `{"message": ...}` always, the exact strings of
 * spec/API.md where it fixes them, and never a stack trace or a 500 for something the caller sent.
 */
@Catch()
export class ContractExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    sendContractError(host.switchToHttp().getResponse<FastifyReply>(), exception, this.logger);
  }
}

/**
 * Answers a request with the contract's rendering of an error; 500s are logged with their stack.
 * A 503 is not: it is an outage (reported once by the server's OutageLog) or an overload.
 * `render` writes the body another way (spec §9's `envelope` and `pretty`); it keeps `message`.
 */
export function sendContractError(
  reply: FastifyReply,
  exception: unknown,
  logger: Pick<Logger, 'error'>,
  render?: (status: number, body: ErrorBody) => unknown,
): FastifyReply {
  const { status, body, headers } = toContractResponse(exception, retryAfterOf(reply));
  if (status >= 500 && status !== 503) logger.error(exception instanceof Error ? exception.stack : String(exception));
  reply.headers(headers).status(status);
  return reply.send(render ? render(status, body) : body);
}

function toContractResponse(
  exception: unknown,
  retryAfterSeconds: number,
): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (exception instanceof ContractError) {
    return { status: exception.getStatus(), body: exception.body, headers: exception.headers };
  }
  if (exception instanceof ThrottlerException) {
    return { status: 429, body: { message: Messages.tooManyRequests }, headers: {} };
  }
  // Fastify's own errors (body over BODY_LIMIT, a body that does not match its Content-Length)
  // reach Nest's filters as HttpExceptions, and plain Fastify routes as Fastify errors with a
  // statusCode; both carry Fastify's wording, and the contract fixes ours.
  const fastifyStatus = (exception as { statusCode?: unknown } | null)?.statusCode;
  if (
    exception instanceof HttpException ||
    (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500)
  ) {
    const status = exception instanceof HttpException ? exception.getStatus() : (fastifyStatus as number);
    if (status === 413) return { status, body: { message: Messages.payloadTooLarge }, headers: {} };
    const res = exception instanceof HttpException ? exception.getResponse() : (exception as Error).message;
    const message = typeof res === 'string' ? res : messageOf(res, exception as Error);
    if (status === 400) {
      return {
        status,
        body: { message: Messages.invalidPayload, errors: [{ index: 0, field: '', error: message }] },
        headers: {},
      };
    }
    // Other bodies (a 404's, a failed readiness check's details) keep their fields.
    return { status, body: typeof res === 'object' ? { ...res, message } : { message }, headers: {} };
  }
  // PostgreSQL or Redis unreachable: the request was fine, a retry will succeed.
  if (isConnectionError(exception)) return toContractResponse(Errors.unavailable(retryAfterSeconds), retryAfterSeconds);
  return { status: 500, body: { message: Messages.internal }, headers: {} };
}

/** The message of an HttpException's object response, or without one of the exception, as text. */
function messageOf(res: object, exception: Error): string {
  const message: unknown = (res as { message?: unknown }).message ?? exception.message;
  if (typeof message === 'string') return message;
  // A list of messages (ValidationPipe's), joined as String() joins an array.
  if (Array.isArray(message)) return message.join(',');
  return String(message);
}
