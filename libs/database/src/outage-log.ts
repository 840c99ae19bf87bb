import { Logger } from '@nestjs/common';

import type { Service } from './connection-errors';
import { errorSummary, redactUrl } from './connection-errors';

/**
 * Connection errors as an operator wants them: one structured warn line when a server becomes
 * unreachable and one info line when it answers again, however many clients, queues, jobs and
 * requests see the outage in between (each of them would otherwise print its own error, again
 * on every reconnect attempt).
 */
export class OutageLog {
  private readonly logger = new Logger('Connections');
  private downSince?: number;

  constructor(
    readonly service: Service,
    readonly url: string,
  ) {}

  down(err: unknown): void {
    if (this.downSince !== undefined) return;
    this.downSince = Date.now();
    this.logger.warn(
      { service: this.service, url: redactUrl(this.url), error: errorSummary(err) },
      `${this.service} unreachable; retrying until it answers`,
    );
  }

  up(): void {
    if (this.downSince === undefined) return;
    const downMs = Date.now() - this.downSince;
    this.downSince = undefined;
    this.logger.log({ service: this.service, url: redactUrl(this.url), downMs }, `${this.service} reachable again`);
  }
}

const logs = new Map<string, OutageLog>();

/** The process's one OutageLog of a server: every client of it reports to the same one. */
export function outageLog(service: Service, url: string): OutageLog {
  const key = `${service} ${url}`;
  let log = logs.get(key);
  if (!log) logs.set(key, (log = new OutageLog(service, url)));
  return log;
}
