import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';

import type { AlertHistoryRow, AlertState } from '@sluice/database';

import { AlertRepository, AlertWriteRow } from '../persistence/alert.repository';
import { AlertHistoryRepository } from '../persistence/alert-history.repository';
import { AlertSnapshot, FoldEvent, foldEvents } from './alert-fold';
import { AlertIdentity, identityKey } from './alert-identity';

/** Events (real or synthetic, e.g. an adapter going down) that hit one alert. */
export interface AlertInput {
  identity: AlertIdentity;
  entity: string;
  parametername: string;
  description: string | null;
  source: string | null;
  events: FoldEvent[];
}

/** What the events did to one alert: what their job reports, and what the notifier decides on. */
export interface AlertChange {
  id: string;
  identity: AlertIdentity;
  severity: number;
  state: AlertState;
  count: number;
  opened: boolean;
  /** Opened again after it was resolved (a kind of `opened`). */
  reopened: boolean;
  resolved: boolean;
  /** Acknowledged by an event (spec §8.2's PagerDuty `acknowledge`). */
  acknowledged: boolean;
  /** The severity rose. */
  escalated: boolean;
  /** The alert's `lastoccurrence` after the change (epoch ms): when the change happened. */
  at: number;
  hasTicket: boolean;
  /**
   * Set by a change that leaves `count` as it was (a user's action): the ITSM job's id is made of
   * it instead of the count, so that it is not taken for an earlier job of the same count.
   */
  jobKey?: string;
}

interface AlertWrite extends AlertWriteRow {
  created: boolean;
  input: AlertInput;
  alert: AlertSnapshot;
}

/**
 * Folds events into their alerts inside the caller's transaction, with a handful of set-based
 * statements whatever the batch size: lock the identities (advisory locks, in a fixed order so
 * two workers cannot deadlock), read the existing alerts, fold in memory, insert the new alerts
 * and update the existing ones in one statement each, and append all history rows in another.
 * The caller hands the changes to AlertNotifications, in the same transaction.
 */
@Injectable()
export class AlertWriter {
  async write(db: PoolClient, inputs: AlertInput[]): Promise<AlertChange[]> {
    if (inputs.length === 0) return [];
    const byKey = new Map<string, AlertInput>();
    for (const input of inputs) {
      const key = identityKey(input.identity);
      const seen = byKey.get(key);
      if (seen) {
        seen.events.push(...input.events);
        Object.assign(seen, {
          entity: input.entity,
          description: input.description ?? seen.description,
          source: input.source ?? seen.source,
        });
      } else {
        byKey.set(key, { ...input, events: [...input.events] });
      }
    }
    const groups = [...byKey.entries()];

    await AlertRepository.lockIdentities(db, [...byKey.keys()]);
    const existing = await AlertRepository.selectByIdentities(
      db,
      groups.map(([, g]) => g.identity),
    );
    const current = new Map(existing.map((r) => [identityKey(r), r]));

    const writes: AlertWrite[] = [];
    const history: AlertHistoryRow[] = [];
    const changes: AlertChange[] = [];
    for (const [key, input] of groups) {
      const row = current.get(key);
      const before: AlertSnapshot | undefined = row && {
        severity: row.severity,
        previousSeverity: row.previous_severity,
        state: row.state,
        count: row.count,
        firstoccurrence: row.firstoccurrence,
        lastoccurrence: row.lastoccurrence,
        resolvedAt: row.resolved_at,
      };
      const result = foldEvents(before, input.events);
      if (!result.alert) continue;
      const id = row?.id ?? randomUUID();
      // A clear or an acknowledgement may name nothing (PagerDuty's resolve carries no payload):
      // the alert keeps the names its raising events gave it.
      const keepNames = !!row && input.events.every((e) => e.severity === 0 || e.acknowledge);
      writes.push({ id, created: !row, input, alert: result.alert, keepNames });
      for (const entry of result.history) {
        history.push({
          alertId: id,
          at: entry.at,
          kind: entry.kind,
          fromState: entry.fromState,
          toState: entry.toState,
          fromSeverity: entry.fromSeverity,
          toSeverity: entry.toSeverity,
          ieventid: entry.ieventid,
          source: input.source,
          actor: null,
          note: null,
        });
      }
      changes.push({
        id,
        identity: input.identity,
        severity: result.alert.severity,
        state: result.alert.state,
        count: result.alert.count,
        opened: result.opened,
        reopened: result.opened && before !== undefined,
        resolved: result.resolved,
        acknowledged: result.acknowledged,
        escalated: before !== undefined && result.alert.severity > before.severity,
        hasTicket: !!row?.ticket_sysid,
        at: result.alert.lastoccurrence,
      });
    }
    if (writes.length === 0) return changes;

    // Existing alerts first; one deleted by another session since it was read is inserted again
    // with the new ones, as an upsert of all of them would have done.
    const vanished = await AlertRepository.update(
      db,
      writes.filter((w) => !w.created),
    );
    await AlertRepository.insert(db, [...writes.filter((w) => w.created), ...vanished]);
    await AlertHistoryRepository.append(db, history);
    return changes;
  }
}
