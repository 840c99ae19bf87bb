import type { PoolClient } from 'pg';

import type { AlertIdentity, AlertRow, AlertSnapshot, AlertState, Queryable } from '@sluice/database';
import { preparedStatement } from '@sluice/database';

import { advisoryLockKey } from './advisory-lock';

/** An alert as the fold reads it: the times as epoch milliseconds, cheaper to read than timestamps. */
export type AlertFoldRow = Pick<
  AlertRow,
  'id' | 'severity' | 'previous_severity' | 'state' | 'count' | 'ticket_sysid' | keyof AlertIdentity
> & { firstoccurrence: number; lastoccurrence: number; resolved_at: number | null };

/** An alert as the fold left it, to be written. */
export interface AlertWriteRow {
  id: string;
  input: {
    identity: AlertIdentity;
    entity: string;
    parametername: string;
    description: string | null;
    source: string | null;
  };
  alert: AlertSnapshot;
  /** Only clears or acknowledgements hit it: it keeps the names it has (they may carry none). */
  keepNames?: boolean;
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
    SELECT id, c, e, pc, pi, s, COALESCE(en, e), COALESCE(pn, pi), sev, psev, st, n, to_timestamp(fo / 1000), to_timestamp(lo / 1000), to_timestamp(ra / 1000), d, src
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
      entity = COALESCE(u.en, a.entity), parametername = COALESCE(u.pn, a.parametername), severity = u.sev, previous_severity = u.psev, state = u.st, count = u.n,
      firstoccurrence = to_timestamp(u.fo / 1000), lastoccurrence = to_timestamp(u.lo / 1000),
      resolved_at = to_timestamp(u.ra / 1000), description = COALESCE(u.d, a.description),
      source = COALESCE(u.src, a.source), updated_at = now()
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int2[], $5::int2[], $6::"AlertState"[], $7::int[],
                $8::float8[], $9::float8[], $10::float8[], $11::text[], $12::text[])
         AS u(id, en, pn, sev, psev, st, n, fo, lo, ra, d, src)
   WHERE a.id = u.id
  RETURNING a.id`,
);

/** The columns both statements set, in their parameter order (entity … source). */
function foldedColumns(writes: AlertWriteRow[]): unknown[][] {
  const col = <T>(f: (w: AlertWriteRow) => T) => writes.map(f);
  return [
    col((w) => (w.keepNames ? null : w.input.entity)),
    col((w) => (w.keepNames ? null : w.input.parametername)),
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

type LockedAlert = Pick<
  AlertRow,
  'id' | 'state' | 'severity' | 'previous_severity' | 'count' | 'ticket_number' | 'ticket_sysid'
>;

/** One alert's identity lock, as the set-based lock above takes it. */
const lockIdentity = (key: string) => advisoryLockKey(key).toString();
/** One notification of an alert at a time (a session lock: it spans the ITSM call). */
const notificationLock = (alertId: string) => advisoryLockKey(`notify:${alertId}`).toString();

/**
 * The `alerts` table. The set-based methods serve the alert writer inside its caller's
 * transaction; the by-id methods serve the notifier and the ITSM updates, and take the alert's
 * customer, so that no alert is read or changed outside its tenant.
 */
export const AlertRepository = {
  /** Advisory locks of alert identities (their `identityKey`s), in a fixed order so two writers cannot deadlock. */
  async lockIdentities(db: Queryable, identityKeys: string[]): Promise<void> {
    const locks = identityKeys.map(advisoryLockKey).sort((a, b) => a - b);
    await db.query(LOCK_IDENTITIES([locks]));
  },

  /** The lock `lockIdentities` takes, for one identity. */
  async lockIdentity(db: Queryable, identityKey: string): Promise<void> {
    await db.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockIdentity(identityKey)]);
  },

  async selectByIdentities(db: Queryable, ids: AlertIdentity[]): Promise<AlertFoldRow[]> {
    const keys = [
      ids.map((i) => i.envcustomerid),
      ids.map((i) => i.entityid),
      ids.map((i) => i.parametercategory),
      ids.map((i) => i.parameterid),
      ids.map((i) => i.splitby),
    ];
    return (await db.query<AlertFoldRow>(SELECT_ALERTS(keys))).rows;
  },

  /** Updates existing alerts by id; returns those no longer there. */
  async update<W extends AlertWriteRow>(db: Queryable, writes: W[]): Promise<W[]> {
    if (writes.length === 0) return [];
    const done = await db.query<{ id: string }>(UPDATE_ALERTS([writes.map((w) => w.id), ...foldedColumns(writes)]));
    if (done.rows.length === writes.length) return [];
    const updated = new Set(done.rows.map((r) => r.id));
    return writes.filter((w) => !updated.has(w.id));
  },

  async insert(db: Queryable, writes: AlertWriteRow[]): Promise<void> {
    if (writes.length === 0) return;
    const col = <T>(f: (w: AlertWriteRow) => T) => writes.map(f);
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
  },

  async byId(db: Queryable, customerId: string, id: string): Promise<AlertRow | undefined> {
    const alert = await db.query<AlertRow>('SELECT * FROM alerts WHERE id = $1 AND envcustomerid = $2', [
      id,
      customerId,
    ]);
    return alert.rows[0];
  },

  async identityById(db: Queryable, customerId: string, id: string): Promise<AlertIdentity | undefined> {
    const identity = await db.query<AlertIdentity>(
      `SELECT envcustomerid, entityid, parametercategory, parameterid, splitby FROM alerts
        WHERE id = $1 AND envcustomerid = $2`,
      [id, customerId],
    );
    return identity.rows[0];
  },

  /** The alert's state, its row locked until the transaction ends. */
  async forUpdate(db: Queryable, customerId: string, id: string): Promise<LockedAlert | undefined> {
    return (
      await db.query<LockedAlert>(
        'SELECT id, state, severity, previous_severity, count, ticket_number, ticket_sysid FROM alerts WHERE id = $1 AND envcustomerid = $2 FOR UPDATE',
        [id, customerId],
      )
    ).rows[0];
  },

  /** A state set from outside the fold (an ITSM); a ticket number, when given, replaces the linked one. */
  async setState(db: Queryable, customerId: string, id: string, state: AlertState, ticketNumber: string | null) {
    await db.query(
      `UPDATE alerts SET state = $2::"AlertState", resolved_at = CASE WHEN $2 = 'RESOLVED' THEN now() ELSE NULL END,
              ticket_number = COALESCE($3, ticket_number), updated_at = now()
        WHERE id = $1 AND envcustomerid = $4`,
      [id, state, ticketNumber, customerId],
    );
  },

  /** A user's action (spec §10): the state, and the severity it leaves (0 when resolved, as a clear event does). */
  async setStateBy(
    db: Queryable,
    customerId: string,
    id: string,
    change: { state: AlertState; severity: number; previousSeverity: number | null },
  ) {
    await db.query(
      `UPDATE alerts SET state = $2::"AlertState", severity = $3, previous_severity = $4,
              resolved_at = CASE WHEN $2 = 'RESOLVED' THEN now() ELSE NULL END, updated_at = now()
        WHERE id = $1 AND envcustomerid = $5`,
      [id, change.state, change.severity, change.previousSeverity, customerId],
    );
  },

  /** Links a ticket; fails with a unique violation when another alert of the customer holds it. */
  async linkTicket(db: Queryable, customerId: string, id: string, ticket: { sysid: string; number: string | null }) {
    await db.query(
      `UPDATE alerts SET ticket_sysid = $2, ticket_number = $3, updated_at = now()
        WHERE id = $1 AND envcustomerid = $4`,
      [id, ticket.sysid, ticket.number, customerId],
    );
  },

  /** The other alert of the customer that holds a ticket. */
  async ticketHolder(db: Queryable, customerId: string, sysid: string, exceptId: string): Promise<string | undefined> {
    const holder = await db.query<{ id: string }>(
      'SELECT id FROM alerts WHERE envcustomerid = $1 AND ticket_sysid = $2 AND id <> $3',
      [customerId, sysid, exceptId],
    );
    return holder.rows[0]?.id;
  },

  /** Takes the alert's notification lock on this connection if it is free (released by `unlockNotification`). */
  async tryLockNotification(client: PoolClient, alertId: string): Promise<boolean> {
    const key = notificationLock(alertId);
    return (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key])).rows[0].ok;
  },

  async unlockNotification(client: PoolClient, alertId: string): Promise<void> {
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [notificationLock(alertId)]);
  },
};
