import { Logger } from '@nestjs/common';

import { isConnectionError, ServiceUnreachableError } from './connection-errors';

/**
 * The end of a process that could not start. A server it cannot reach is an operator's everyday
 * mistake: one JSON line that says which and what to do, no stack. Anything else is a bug or a
 * bad setting: the log Nest buffered during start-up, its stack included, as it is.
 * Pairs with `NestFactory.create*(..., { bufferLogs: true, autoFlushLogs: false, abortOnError: false })`.
 */
export function exitOnStartFailure(name: string): (err: unknown) => never {
  return (err) => {
    if (err instanceof ServiceUnreachableError || isConnectionError(err)) {
      const msg = err instanceof Error ? err.message : String(err);
      process.stderr.write(`${JSON.stringify({ level: 60, time: Date.now(), name, msg })}\n`);
    } else {
      Logger.flush();
      if (!(err instanceof Error) || !err.stack) console.error(err);
    }
    process.exit(1);
  };
}
