import type { AlertHistoryKind, AlertHistoryRow, Queryable } from '@sluice/database';
import { bulkInsert, preparedStatement } from '@sluice/database';

const HISTORY = bulkInsert<AlertHistoryRow>({
  alert_id: ['uuid', (h) => h.alertId],
  // A row without a time is stamped like the column's default (now(): the transaction's start).
  at: ['float8', (h) => h.at, 'COALESCE(to_timestamp(at / 1000), now())'],
  kind: ['text', (h) => h.kind],
  from_state: ['"AlertState"', (h) => h.fromState],
  to_state: ['"AlertState"', (h) => h.toState],
  from_severity: ['int2', (h) => h.fromSeverity],
  to_severity: ['int2', (h) => h.toSeverity],
  ieventid: ['text', (h) => h.ieventid],
  source: ['text', (h) => h.source],
  actor: ['text', (h) => h.actor],
  note: ['text', (h) => h.note],
});

const INSERT_HISTORY = preparedStatement(
  'alerts.insert-history',
  `INSERT INTO alert_history (${HISTORY.names})
    SELECT ${HISTORY.select}
      FROM ${HISTORY.unnest} AS u(${HISTORY.names})`,
);

const LAST_ENTRY = preparedStatement(
  'alert-history.last',
  `SELECT h.kind, h.note, h.source FROM alert_history h JOIN alerts a ON a.id = h.alert_id AND a.envcustomerid = $2
    WHERE h.alert_id = $1 AND h.kind = ANY($3::text[]) ORDER BY h.id DESC LIMIT 1`,
);

interface HistoryEntry {
  kind: AlertHistoryKind;
  note: string | null;
  source: string | null;
}

/**
 * The `alert_history` table: every change of an alert (the fold's, the notifier's, the ITSM's)
 * is appended by the one set-based statement here.
 */
export const AlertHistoryRepository = {
  async append(db: Queryable, rows: AlertHistoryRow[]): Promise<void> {
    if (rows.length > 0) await db.query(INSERT_HISTORY(HISTORY.values(rows)));
  },

  /** The newest entry of one of `kinds` of the customer's alert. */
  async last(
    db: Queryable,
    customerId: string,
    alertId: string,
    kinds: AlertHistoryKind[],
  ): Promise<HistoryEntry | undefined> {
    return (await db.query<HistoryEntry>(LAST_ENTRY([alertId, customerId, kinds]))).rows[0];
  },
};
