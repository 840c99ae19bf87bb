import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AlertNotifications, NotifiableChange } from '../notifier/alert-notifications.service';
import { preparedStatement } from '@sluice/database';
import type { PoolClient } from 'pg';
import { AlertSnapshot, AlertState, foldEvents, FoldEvent, HistoryEntry } from './alert-fold';
import { AlertIdentity, identityKey, identityLock } from './alert-identity';

/** Events (real or synthetic, e.g. an adapter going down) that hit one alert. */
export interface AlertInput {
  identity: AlertIdentity;
  entity: string;
  parametername: string;
  description: string | null;
  source: string | null;
  events: FoldEvent[];
}

export interface AlertChange {
  id: string;
  identity: AlertIdentity;
  severity: number;
  state: AlertState;
  opened: boolean;
  resolved: boolean;
}

interface AlertRow {
  id: string;
  envcustomerid: string;
  entityid: string;
  parametercategory: string;
  parameterid: string;
  splitby: string;
  severity: number;
  previous_severity: number | null;
  state: AlertState;
  count: number;
  // Epoch milliseconds: cheaper to read than timestamps.
  firstoccurrence: number;
  lastoccurrence: number;
  resolved_at: number | null;
  ticket_sysid: string | null;
}

const LOCK_IDENTITIES = preparedStatement(
  'alerts.lock-identities',
  'SELECT pg_advisory_xact_lock(k) FROM (SELECT unnest($1::bigint[]) AS k ORDER BY 1) AS s',
);

const SELECT_ALERTS = preparedStatement(
  'alerts.select',
  `SELECT a.id, a.envcustomerid, a.entityid, a.parametercategory, a.parameterid, a.splitby, a.severity,
         a.previous_severity, a.state, a.count, (extract(epoch FROM a.firstoccurrence) * 1000)::float8 AS firstoccurrence,
         (extract(epoch FROM a.lastoccurrence) * 1000)::float8 AS lastoccurrence,
         (extract(epoch FROM a.resolved_at) * 1000)::float8 AS resolved_at, a.ticket_sysid
    FROM alerts a
    JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS k(c, e, pc, pi, s)
      ON a.envcustomerid = k.c AND a.entityid = k.e AND a.parametercategory = k.pc AND a.parameterid = k.pi AND a.splitby = k.s`,
);

// New alerts. ON CONFLICT is a safety net: the identities are locked, so no other writer of
// alerts inserts one of them meanwhile.
const UPSERT_ALERTS = preparedStatement(
  'alerts.upsert',
  `INSERT INTO alerts (id, envcustomerid, entityid, parametercategory, parameterid, splitby, entity, parametername,
                        severity, previous_severity, state, count, firstoccurrence, lastoccurrence, resolved_at,
                        description, source)
    SELECT id, c, e, pc, pi, s, en, pn, sev, psev, st, n, to_timestamp(fo / 1000), to_timestamp(lo / 1000), to_timestamp(ra / 1000), d, src
      FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                  $9::int2[], $10::int2[], $11::"AlertState"[], $12::int[], $13::float8[], $14::float8[],
                  $15::float8[], $16::text[], $17::text[]) AS u(id, c, e, pc, pi, s, en, pn, sev, psev, st, n, fo, lo, ra, d, src)
    ON CONFLICT (envcustomerid, entityid, parametercategory, parameterid, splitby) DO UPDATE SET
      entity = EXCLUDED.entity, parametername = EXCLUDED.parametername, severity = EXCLUDED.severity,
      previous_severity = EXCLUDED.previous_severity, state = EXCLUDED.state, count = EXCLUDED.count,
      firstoccurrence = EXCLUDED.firstoccurrence, lastoccurrence = EXCLUDED.lastoccurrence,
      resolved_at = EXCLUDED.resolved_at, description = COALESCE(EXCLUDED.description, alerts.description),
      source = COALESCE(EXCLUDED.source, alerts.source), updated_at = now()`,
);

// An alert that exists is updated by its id: a plain UPDATE writes the new row version and its
// index entries, where INSERT … ON CONFLICT DO UPDATE would also probe the identity index and
// lock the old version first (one more WAL record per alert). The identities are locked, so
// the rows read above are the rows updated here.
const UPDATE_ALERTS = preparedStatement(
  'alerts.update',
  `UPDATE alerts a SET
      entity = u.en, parametername = u.pn, severity = u.sev, previous_severity = u.psev, state = u.st, count = u.n,
      firstoccurrence = to_timestamp(u.fo / 1000), lastoccurrence = to_timestamp(u.lo / 1000),
      resolved_at = to_timestamp(u.ra / 1000), description = COALESCE(u.d, a.description),
      source = COALESCE(u.src, a.source), updated_at = now()
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int2[], $5::int2[], $6::"AlertState"[], $7::int[],
                $8::float8[], $9::float8[], $10::float8[], $11::text[], $12::text[])
         AS u(id, en, pn, sev, psev, st, n, fo, lo, ra, d, src)
   WHERE a.id = u.id
  RETURNING a.id`,
);

const INSERT_HISTORY = preparedStatement(
  'alerts.insert-history',
  `INSERT INTO alert_history (alert_id, at, kind, from_state, to_state, from_severity, to_severity, ieventid, source)
    SELECT id, to_timestamp(at / 1000), k, fs, ts, fsev, tsev, e, src
      FROM unnest($1::uuid[], $2::float8[], $3::text[], $4::"AlertState"[], $5::"AlertState"[],
                  $6::int2[], $7::int2[], $8::text[], $9::text[]) AS u(id, at, k, fs, ts, fsev, tsev, e, src)`,
);

/** An alert as the fold left it, to be written. */
interface AlertWrite {
  id: string;
  created: boolean;
  input: AlertInput;
  alert: AlertSnapshot;
}

/** The columns both statements set, in their parameter order (entity … source). */
function foldedColumns(writes: AlertWrite[]): unknown[][] {
  const col = <T>(f: (w: AlertWrite) => T) => writes.map(f);
  return [
    col((w) => w.input.entity),
    col((w) => w.input.parametername),
    col((w) => w.alert.severity),
    col((w) => w.alert.previousSeverity),
    col((w) => w.alert.state),
    col((w) => w.alert.count),
    col((w) => w.alert.firstoccurrence),
    col((w) => w.alert.lastoccurrence),
    col((w) => w.alert.resolvedAt),
    col((w) => w.input.description),
    col((w) => w.input.source),
  ];
}

/** Updates existing alerts by id; returns those no longer there. */
async function updateAlerts(db: PoolClient, writes: AlertWrite[]): Promise<AlertWrite[]> {
  if (writes.length === 0) return [];
  const done = await db.query<{ id: string }>(UPDATE_ALERTS([writes.map((w) => w.id), ...foldedColumns(writes)]));
  if (done.rows.length === writes.length) return [];
  const updated = new Set(done.rows.map((r) => r.id));
  return writes.filter((w) => !updated.has(w.id));
}

async function insertAlerts(db: PoolClient, writes: AlertWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const col = <T>(f: (w: AlertWrite) => T) => writes.map(f);
  await db.query(
    UPSERT_ALERTS([
      col((w) => w.id),
      col((w) => w.input.identity.envcustomerid),
      col((w) => w.input.identity.entityid),
      col((w) => w.input.identity.parametercategory),
      col((w) => w.input.identity.parameterid),
      col((w) => w.input.identity.splitby),
      ...foldedColumns(writes),
    ]),
  );
}

/**
 * Folds events into their alerts inside the caller's transaction, with a handful of set-based
 * statements whatever the batch size: lock the identities (advisory locks, in a fixed order so
 * two workers cannot deadlock), read the existing alerts, fold in memory, insert the new alerts
 * and update the existing ones in one statement each, and append all history rows in another.
 */
@Injectable()
export class AlertWriter {
  constructor(private readonly notifications: AlertNotifications) {}

  async apply(db: PoolClient, inputs: AlertInput[]): Promise<AlertChange[]> {
    if (inputs.length === 0) return [];
    const byKey = new Map<string, AlertInput>();
    for (const input of inputs) {
      const key = identityKey(input.identity);
      const seen = byKey.get(key);
      if (seen) {
        seen.events.push(...input.events);
        Object.assign(seen, { entity: input.entity, description: input.description ?? seen.description, source: input.source ?? seen.source });
      } else {
        byKey.set(key, { ...input, events: [...input.events] });
      }
    }
    const groups = [...byKey.entries()];

    const locks = groups.map(([key]) => identityLock(key)).sort((a, b) => a - b);
    await db.query(LOCK_IDENTITIES([locks]));

    const ids = groups.map(([, g]) => g.identity);
    const existing = await db.query<AlertRow>(
      SELECT_ALERTS([ids.map((i) => i.envcustomerid), ids.map((i) => i.entityid), ids.map((i) => i.parametercategory), ids.map((i) => i.parameterid), ids.map((i) => i.splitby)]),
    );
    const current = new Map(existing.rows.map((r) => [identityKey(r), r]));

    const writes: AlertWrite[] = [];
    const history: { alertId: string; entry: HistoryEntry; source: string | null }[] = [];
    const changes: AlertChange[] = [];
    const notifiable: NotifiableChange[] = [];
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
      writes.push({ id, created: !row, input, alert: result.alert });
      for (const entry of result.history) history.push({ alertId: id, entry, source: input.source });
      changes.push({ id, identity: input.identity, severity: result.alert.severity, state: result.alert.state, opened: result.opened, resolved: result.resolved });
      notifiable.push({
        id,
        customerId: input.identity.envcustomerid,
        severity: result.alert.severity,
        state: result.alert.state,
        count: result.alert.count,
        opened: result.opened,
        resolved: result.resolved,
        escalated: before !== undefined && result.alert.severity > before.severity,
        hasTicket: !!row?.ticket_sysid,
      });
    }
    if (writes.length === 0) return changes;

    // Existing alerts first; one deleted by another session since it was read is inserted again
    // with the new ones, as an upsert of all of them would have done.
    const vanished = await updateAlerts(db, writes.filter((w) => !w.created));
    await insertAlerts(db, [...writes.filter((w) => w.created), ...vanished]);

    if (history.length > 0) {
      const h = <T>(f: (x: (typeof history)[number]) => T) => history.map(f);
      await db.query(
        INSERT_HISTORY([
          h((x) => x.alertId),
          h((x) => x.entry.at),
          h((x) => x.entry.kind),
          h((x) => x.entry.fromState),
          h((x) => x.entry.toState),
          h((x) => x.entry.fromSeverity),
          h((x) => x.entry.toSeverity),
          h((x) => x.entry.ieventid),
          h((x) => x.source),
        ]),
      );
    }
    await this.notifications.plan(db, notifiable);
    return changes;
  }
}
