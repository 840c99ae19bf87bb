import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { Pool } from 'pg';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { SEVERITY_NAMES } from '@sluice/contracts';
import { AlertHistoryKind, AlertHistoryRow, AlertRow, inTransaction, PG_POOL } from '@sluice/database';
import type { NotificationJob } from '@sluice/queue';

import { RetryableCallError } from '../delivery/http-delivery';
import { AlertRepository } from '../persistence/alert.repository';
import { AlertHistoryRepository } from '../persistence/alert-history.repository';
import { priorityFor, resolvedStateFor } from './incident-fields';
import { callItsm, UnauthorizedCallError } from './itsm-http';
import { NotifierAuth } from './notifier-auth.service';
import { Notifier, NotifierConfig, secretsOf } from './notifier-config.service';

const UNIQUE_VIOLATION = '23505';

/**
 * §4.1, the calls: open a ServiceNow-style incident (`POST {baseURI}/api/now/table/incident`)
 * and link it to the alert, or resolve it (`PATCH …/incident/{sys_id}`). The alert is read again
 * first, so a job whose reason no longer holds does nothing.
 */
@Injectable()
export class TicketNotifier {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
    private readonly notifiers: NotifierConfig,
    private readonly auth: NotifierAuth,
  ) {}

  /**
   * One notification of an alert at a time, across workers (a session advisory lock): two jobs
   * for the same alert (it opened, then rose before its ticket was linked) must not both open a
   * ticket. The one that finds the lock taken retries later and then sees the ticket.
   */
  async run(job: NotificationJob): Promise<string> {
    const client = await this.pool.connect();
    try {
      const locked = await AlertRepository.tryLockNotification(client, job.alertId);
      if (!locked) throw new RetryableCallError('another notification of this alert is running');
      try {
        return await this.runLocked(job);
      } finally {
        await AlertRepository.unlockNotification(client, job.alertId);
      }
    } finally {
      client.release();
    }
  }

  private async runLocked(job: NotificationJob): Promise<string> {
    const alert = await AlertRepository.byId(this.pool, job.customerId, job.alertId);
    // The open job of a new alert is queued just before the alert's transaction commits: when it
    // runs first, the alert is not there yet. A resolve job's alert had a ticket, so it existed.
    if (!alert && job.action === 'open') throw new RetryableCallError('the alert is not committed yet');
    if (!alert) return 'alert gone';
    if (alert.count < job.count) throw new RetryableCallError('the alert change is not committed yet');
    const notifier = await this.notifiers.forTenant(this.pool, job.customerId);
    if (!notifier) return 'no notifier';

    if (job.action === 'open') {
      if (alert.ticket_sysid && !(await this.reopened(alert))) return 'ticket already open';
      if (alert.state === 'RESOLVED' || alert.severity < notifier.settings.minSeverity) return 'no longer due';
      const answer = (await this.call(
        notifier,
        'POST',
        `${notifier.settings.baseURI}/api/now/table/incident`,
        this.incident(alert, notifier),
      )) as { result?: { sys_id?: unknown; number?: unknown } } | undefined;
      const sysid = answer?.result?.sys_id;
      if (typeof sysid !== 'string' || !sysid) throw new UnrecoverableError('the ITSM answered without result.sys_id');
      const number = typeof answer?.result?.number === 'string' ? answer.result.number : null;
      return this.link(alert, { sysid, number }, notifier);
    }

    if (!alert.ticket_sysid) return 'no ticket';
    if (alert.state !== 'RESOLVED') return 'no longer resolved';
    await this.call(
      notifier,
      'PATCH',
      `${notifier.settings.baseURI}/api/now/table/incident/${encodeURIComponent(alert.ticket_sysid)}`,
      {
        state: resolvedStateFor(notifier.outboundMappings),
        close_notes: `Resolved in Sluice: ${alert.entity} ${alert.parametername} cleared`,
      },
    );
    await this.record(alert, 'ticket', `resolved ticket ${alert.ticket_number ?? alert.ticket_sysid}`, notifier);
    return `resolved ${alert.ticket_number ?? alert.ticket_sysid}`;
  }

  /** The failure that ended a job, kept on the alert (§4.1: `ticket: null` plus a `notifyError`). */
  async recordFailure(job: NotificationJob, reason: string): Promise<void> {
    await inTransaction(this.pool, async (db) => {
      // Read and written in one transaction, the row locked: the entry states the alert as it is.
      const alert = await AlertRepository.forUpdate(db, job.customerId, job.alertId);
      if (!alert) return;
      const note = `${job.action} ticket failed: ${reason}`.slice(0, 2000);
      await AlertHistoryRepository.append(db, [entry(alert, 'notifyError', 'notifier', note)]);
    });
  }

  /** A reopened alert whose old ticket was resolved gets a new one. */
  private async reopened(alert: AlertRow): Promise<boolean> {
    const last = await AlertHistoryRepository.last(this.pool, alert.envcustomerid, alert.id, ['reopened', 'ticket']);
    return last?.kind === 'reopened';
  }

  private incident(alert: AlertRow, notifier: Notifier) {
    const priority = priorityFor(alert.severity, notifier.outboundMappings);
    const what = `${alert.entity}: ${alert.parametername}${alert.splitby ? ` (${alert.splitby})` : ''}`;
    return {
      short_description: `[${SEVERITY_NAMES[alert.severity] ?? alert.severity}] ${what}`.slice(0, 160),
      description: [
        alert.description ?? what,
        `Entity: ${alert.entity} (${alert.entityid})`,
        `Severity: ${SEVERITY_NAMES[alert.severity]} (${alert.severity})`,
        `Occurrences: ${alert.count}, last ${alert.lastoccurrence.toISOString()}`,
        `Sluice alert: ${alert.id}`,
      ].join('\n'),
      urgency: priority,
      impact: priority,
      correlation_id: alert.id,
      correlation_display: 'Sluice',
    };
  }

  /** One resource call with the notifier's auth; after a 401 the token is fetched again, once. */
  private async call(notifier: Notifier, method: string, url: string, body: unknown): Promise<unknown> {
    const allow = this.config.notifierAllowPrivateNetworks;
    const send = async () =>
      callItsm(
        url,
        {
          method,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            ...(await this.auth.headers(notifier, allow)),
          },
          body: JSON.stringify(body),
        },
        allow,
        secretsOf(notifier),
      );
    try {
      return await send();
    } catch (err) {
      if (
        !(err instanceof UnauthorizedCallError) ||
        notifier.settings.authType === 'NONE' ||
        notifier.settings.authType === 'BASIC'
      ) {
        if (err instanceof UnauthorizedCallError) throw new UnrecoverableError(err.message);
        throw err;
      }
      this.auth.invalidate(notifier.integrationId);
      try {
        return await send();
      } catch (again) {
        if (again instanceof UnauthorizedCallError)
          throw new UnrecoverableError(`${again.message} (also with a new token)`);
        throw again;
      }
    }
  }

  /**
   * Links the ticket the ITSM opened to the alert. When another alert of the customer holds that
   * sys_id already (an ITSM that answers with an existing incident, or a link made by hand
   * meanwhile: the database keeps one ticket to one alert), it says so on this alert instead.
   * Either way the job is done: a retry would open yet another ticket. Answers the outcome.
   */
  private async link(
    alert: AlertRow,
    ticket: { sysid: string; number: string | null },
    notifier: Notifier,
  ): Promise<string> {
    const shown = ticket.number ?? ticket.sysid;
    try {
      await this.record(alert, 'ticket', `opened ticket ${shown}`, notifier, ticket);
      return `opened ${shown}`;
    } catch (err) {
      if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION) throw err;
    }
    const holder = await AlertRepository.ticketHolder(this.pool, alert.envcustomerid, ticket.sysid, alert.id);
    const note = `opened ticket ${shown}, not linked: it is linked to ${holder ? `alert ${holder}` : 'another alert'}`;
    await this.record(alert, 'notifyError', note, notifier);
    return note;
  }

  private async record(
    alert: AlertRow,
    kind: AlertHistoryKind,
    note: string,
    notifier: Notifier,
    ticket?: { sysid: string; number: string | null },
  ): Promise<void> {
    // One transaction: a reader never sees the ticket on the alert without the row that says so.
    await inTransaction(this.pool, async (db) => {
      if (ticket) await AlertRepository.linkTicket(db, alert.envcustomerid, alert.id, ticket);
      await AlertHistoryRepository.append(db, [entry(alert, kind, `notifier:${notifier.integrationId}`, note)]);
    });
  }
}

/** A history entry of the notifier: the alert's state and severity stay as they are. */
function entry(
  alert: Pick<AlertRow, 'id' | 'state' | 'severity'>,
  kind: AlertHistoryKind,
  source: string,
  note: string,
): AlertHistoryRow {
  return {
    alertId: alert.id,
    at: null,
    kind,
    fromState: alert.state,
    toState: alert.state,
    fromSeverity: alert.severity,
    toSeverity: alert.severity,
    ieventid: null,
    source,
    actor: null,
    note,
  };
}
