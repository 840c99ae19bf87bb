import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';

import type { AlertAction, AlertActionOutcome } from '@sluice/contracts';
import { alertActionTransition } from '@sluice/contracts';
import type { AlertHistoryKind } from '@sluice/database';
import { inTransaction, PG_POOL } from '@sluice/database';
import type { AlertActionJob } from '@sluice/queue';

import type { AlertChange } from '../alerts/alert.writer';
import { identityKey } from '../alerts/alert-identity';
import { AlertNotifications } from '../notifier/alert-notifications.service';
import { AlertRepository } from '../persistence/alert.repository';
import { AlertHistoryRepository } from '../persistence/alert-history.repository';

/** The history row's kind of each action: the state changes read as those events make. */
const HISTORY_KIND: Record<AlertAction, AlertHistoryKind> = {
  ack: 'acknowledged',
  unack: 'unacknowledged',
  resolve: 'resolved',
  reopen: 'reopened',
  note: 'note',
};

/**
 * Spec §10 in the worker: a user's action on an alert, under the alert's identity lock (as the
 * event fold and the ITSM updates take it), so that it is decided on the alert's current state
 * and no concurrent writer undoes it. An action that applies changes the state and appends a
 * history row naming the user; the change then goes to AlertNotifications exactly as the event
 * fold's changes do, in the same transaction: an acknowledge or resolve reaches the channels told
 * of the alert, a resolve the ITSM ticket, a reopen what an event's reopen reaches.
 */
@Injectable()
export class AlertActionWriter {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly notifications: AlertNotifications,
  ) {}

  async apply(job: AlertActionJob): Promise<AlertActionOutcome> {
    const { customerId, alertId, action } = job;
    // The gateway has answered 503 ("nothing changed") by now: apply nothing.
    if (Date.now() > job.notAfter) return { expired: true };
    return inTransaction(this.pool, async (db) => {
      const identity = await AlertRepository.identityById(db, customerId, alertId);
      if (!identity) return { missing: true };
      await AlertRepository.lockIdentity(db, identityKey(identity));
      if (Date.now() > job.notAfter) return { expired: true };
      const alert = await AlertRepository.forUpdate(db, customerId, alertId);
      if (!alert) return { missing: true };

      const transition = alertActionTransition(action, alert.state);
      if ('refused' in transition) return transition;
      const severity = severityAfter(action, alert);
      if (transition.to !== alert.state) {
        await AlertRepository.setStateBy(db, customerId, alert.id, { state: transition.to, ...severity });
      }
      await AlertHistoryRepository.append(db, [
        {
          alertId: alert.id,
          at: null,
          kind: HISTORY_KIND[action],
          fromState: alert.state,
          toState: transition.to,
          fromSeverity: alert.severity,
          toSeverity: severity.severity,
          ieventid: null,
          source: 'user',
          actor: job.user.email,
          note: job.note,
        },
      ]);
      if (action !== 'note') {
        const change: AlertChange = {
          id: alert.id,
          identity,
          severity: severity.severity,
          state: transition.to,
          count: alert.count,
          opened: action === 'reopen',
          reopened: action === 'reopen',
          resolved: action === 'resolve',
          acknowledged: action === 'ack',
          escalated: false,
          at: Date.now(),
          hasTicket: alert.ticket_sysid !== null,
          // The count stays as it was: the ITSM job of this change needs an id of its own.
          jobKey: `user-${job.requestId}`,
        };
        await this.notifications.plan(db, [change]);
      }
      return { applied: true, state: transition.to };
    });
  }
}

/**
 * The severity an action leaves, as events would: a resolve makes it 0 and keeps the old one as
 * `previousSeverity` (a clear event does the same); a reopen brings that one back (at least 1,
 * indeterminate, when none is known); the others leave it as it is.
 */
export function severityAfter(
  action: AlertAction,
  alert: { severity: number; previous_severity: number | null },
): { severity: number; previousSeverity: number | null } {
  if (action === 'resolve') return { severity: 0, previousSeverity: alert.severity };
  if (action === 'reopen')
    return { severity: Math.max(1, alert.previous_severity ?? 1), previousSeverity: alert.severity };
  return { severity: alert.severity, previousSeverity: alert.previous_severity };
}
