import { Inject, Injectable } from '@nestjs/common';
import { inTransaction, PG_POOL } from '@sluice/database';
import type { ItsmUpdateJob } from '@sluice/queue';
import type { Pool } from 'pg';
import type { AlertState } from '../alerts/alert-fold';
import { AlertIdentity, identityKey, identityLock } from '../alerts/alert-identity';
import { alertStateFor, StatusMapping } from './itsm-state';

export type TicketUpdateResult = { alertId: string; from: AlertState; to: AlertState | null; changed: boolean };

/**
 * Spec §3 in the worker: the alert linked to the ticket follows the mapped state (acknowledge,
 * resolve, reopen); a value nothing maps is recorded without changing the state. Every outcome
 * is a history row naming the ITSM, the integration or user that reported it, and the ticket.
 * A repeat of the same report changes nothing and adds no row.
 */
@Injectable()
export class TicketUpdateWriter {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async apply(job: ItsmUpdateJob): Promise<TicketUpdateResult | undefined> {
    return inTransaction(this.pool, async (db) => {
      // The event writer reads an alert under its identity's advisory lock and writes it back
      // computed from that read; taking the same lock first keeps it from undoing this change.
      const identity = (
        await db.query<AlertIdentity>(
          'SELECT envcustomerid, entityid, parametercategory, parameterid, splitby FROM alerts WHERE id = $1 AND envcustomerid = $2',
          [job.alertId, job.customerId],
        )
      ).rows[0];
      if (!identity) return undefined; // the alert was deleted (retention of its customer) since the call
      await db.query('SELECT pg_advisory_xact_lock($1::bigint)', [identityLock(identityKey(identity)).toString()]);
      const alert = (
        await db.query<{ id: string; state: AlertState; severity: number; ticket_number: string | null }>(
          'SELECT id, state, severity, ticket_number FROM alerts WHERE id = $1 AND envcustomerid = $2 FOR UPDATE',
          [job.alertId, job.customerId],
        )
      ).rows[0];
      if (!alert) return undefined; // the alert was deleted (retention of its customer) since the call

      const integrationId = 'integrationId' in job.via ? job.via.integrationId : null;
      const mappings = await db.query<{ inbound_map_attributes: StatusMapping[] | null }>(
        `SELECT inbound_map_attributes FROM integrations
          WHERE tenant_id = $1 AND inbound_map_attributes IS NOT NULL
          ORDER BY (id = $2) DESC, created_at LIMIT 1`,
        [job.customerId, integrationId],
      );
      const target = alertStateFor(job.update.state, mappings.rows[0]?.inbound_map_attributes ?? []);
      const source = integrationId ? `itsm:${integrationId}` : 'itsm';
      const actor = 'userEmail' in job.via ? job.via.userEmail : (job.update.resolvedby ?? null);
      // The ticket number: from the callback, else the one linked to the alert (ITSM callbacks
      // often carry only the sys_id), else the sys_id.
      const ticket = job.update.number ?? alert.ticket_number ?? job.update.sysid;
      const note = target
        ? `ticket ${ticket} state ${job.update.state}${job.update.comments ? `: ${job.update.comments}` : ''}`
        : `ticket ${ticket} state ${job.update.state} is not mapped to an alert state`;

      const last = await db.query<{ note: string | null; source: string | null }>(
        "SELECT note, source FROM alert_history WHERE alert_id = $1 AND kind = 'itsm' ORDER BY id DESC LIMIT 1",
        [alert.id],
      );
      const repeat = last.rows[0]?.note === note && last.rows[0]?.source === source;
      if ((target === undefined || target === alert.state) && repeat) return { alertId: alert.id, from: alert.state, to: target ?? null, changed: false };

      const changed = target !== undefined && target !== alert.state;
      if (changed) {
        await db.query(
          `UPDATE alerts SET state = $2::"AlertState", resolved_at = CASE WHEN $2 = 'RESOLVED' THEN now() ELSE NULL END,
                  ticket_number = COALESCE($3, ticket_number), updated_at = now()
            WHERE id = $1`,
          [alert.id, target, job.update.number ?? null],
        );
      }
      await db.query(
        `INSERT INTO alert_history (alert_id, kind, from_state, to_state, from_severity, to_severity, actor, source, note)
         VALUES ($1, 'itsm', $2::"AlertState", $3::"AlertState", $4, $4, $5, $6, $7)`,
        [alert.id, alert.state, changed ? target : alert.state, alert.severity, actor, source, note],
      );
      return { alertId: alert.id, from: alert.state, to: target ?? null, changed };
    });
  }
}
