import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { ContractError, ErrorBody, Messages } from './contract-error';

/**
 * Turns every error into the contract's body: `{"message": ...}` always, the exact strings of
 * spec/API.md where it fixes them, and never a stack trace or a 500 for something the caller sent.
 */
@Catch()
export class ContractExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers } = this.toResponse(exception);
    if (status >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    reply.status(status).send(body);
  }

  private toResponse(exception: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
    if (exception instanceof ContractError) {
      return { status: exception.getStatus(), body: exception.body, headers: exception.headers };
    }
    if (exception instanceof ThrottlerException) {
      return { status: 429, body: { message: Messages.tooManyRequests }, headers: {} };
    }
    // Fastify's own errors (body over BODY_LIMIT, a body that does not match its Content-Length)
    // reach filters as plain HttpExceptions carrying Fastify's wording; the contract fixes ours.
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 413) return { status, body: { message: Messages.payloadTooLarge }, headers: {} };
      const res = exception.getResponse();
      const message = typeof res === 'string' ? res : String((res as { message?: unknown }).message ?? exception.message);
      if (status === 400) {
        return { status, body: { message: Messages.invalidPayload, errors: [{ index: 0, field: '', error: message }] }, headers: {} };
      }
      // Other bodies (a 404's, a failed readiness check's details) keep their fields.
      return { status, body: typeof res === 'object' ? { ...(res as object), message } : { message }, headers: {} };
    }
    return { status: 500, body: { message: Messages.internal }, headers: {} };
  }
}
