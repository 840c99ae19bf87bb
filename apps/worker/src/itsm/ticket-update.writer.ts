import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';

import { AlertState, inTransaction, PG_POOL } from '@sluice/database';
import type { ItsmUpdateJob } from '@sluice/queue';

import { identityKey } from '../alerts/alert-identity';
import type { ChannelChangeInput } from '../channels/channel-notifications.service';
import { ChannelNotifications } from '../channels/channel-notifications.service';
import { AlertRepository } from '../persistence/alert.repository';
import { AlertHistoryRepository } from '../persistence/alert-history.repository';
import { IntegrationRepository } from '../persistence/integration.repository';
import { alertStateFor } from './itsm-state';

export type TicketUpdateResult = { alertId: string; from: AlertState; to: AlertState | null; changed: boolean };

/**
 * Spec §3 in the worker: the alert linked to the ticket follows the mapped state (acknowledge,
 * resolve, reopen); a value nothing maps is recorded without changing the state. Every outcome
 * is a history row naming the ITSM, the integration or user that reported it, and the ticket.
 * A repeat of the same report changes nothing and adds no row. The notification channels told of
 * the alert hear of its acknowledge, resolve or reopen (spec §9).
 */
@Injectable()
export class TicketUpdateWriter {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly channels: ChannelNotifications,
  ) {}

  async write(job: ItsmUpdateJob): Promise<TicketUpdateResult | undefined> {
    const { customerId, alertId } = job;
    return inTransaction(this.pool, async (db) => {
      // The event writer reads an alert under its identity's advisory lock and writes it back
      // computed from that read; taking the same lock first keeps it from undoing this change.
      const identity = await AlertRepository.identityById(db, customerId, alertId);
      if (!identity) return undefined; // the alert was deleted (retention of its customer) since the call
      await AlertRepository.lockIdentity(db, identityKey(identity));
      const alert = await AlertRepository.forUpdate(db, customerId, alertId);
      if (!alert) return undefined; // the alert was deleted (retention of its customer) since the call

      const integrationId = 'integrationId' in job.via ? job.via.integrationId : null;
      const mappings = await IntegrationRepository.inboundMappings(db, customerId, integrationId);
      const target = alertStateFor(job.update.state, mappings);
      const source = integrationId ? `itsm:${integrationId}` : 'itsm';
      const actor = 'userEmail' in job.via ? job.via.userEmail : (job.update.resolvedby ?? null);
      // The ticket number: from the callback, else the one linked to the alert (ITSM callbacks
      // often carry only the sys_id), else the sys_id.
      const ticket = job.update.number ?? alert.ticket_number ?? job.update.sysid;
      const note = target
        ? `ticket ${ticket} state ${job.update.state}${job.update.comments ? `: ${job.update.comments}` : ''}`
        : `ticket ${ticket} state ${job.update.state} is not mapped to an alert state`;

      const last = await AlertHistoryRepository.last(db, customerId, alert.id, ['itsm']);
      const repeat = last?.note === note && last?.source === source;
      const unchanged = { alertId: alert.id, from: alert.state, to: target ?? null, changed: false };
      if ((target === undefined || target === alert.state) && repeat) return unchanged;

      const changed = target !== undefined && target !== alert.state;
      if (changed) {
        await AlertRepository.setState(db, customerId, alert.id, target, job.update.number ?? null);
        const change = channelChange(alert.state, target);
        if (change) {
          const severity = change === 'resolve' ? 0 : alert.severity;
          await this.channels.plan(db, [
            { alertId: alert.id, customerId, change, severity, count: alert.count, at: Date.now() },
          ]);
        }
      }
      await AlertHistoryRepository.append(db, [
        {
          alertId: alert.id,
          at: null,
          kind: 'itsm',
          fromState: alert.state,
          toState: changed ? target : alert.state,
          fromSeverity: alert.severity,
          toSeverity: alert.severity,
          ieventid: null,
          source,
          actor,
          note,
        },
      ]);
      return { ...unchanged, changed };
    });
  }
}

/** The channel change of a state the ITSM set: a return from ACKNOWLEDGED to OPEN is none. */
function channelChange(from: AlertState, to: AlertState): ChannelChangeInput['change'] | undefined {
  if (to === 'ACKNOWLEDGED') return 'acknowledge';
  if (to === 'RESOLVED') return 'resolve';
  return from === 'RESOLVED' ? 'reopen' : undefined;
}
