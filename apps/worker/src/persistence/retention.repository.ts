import type { Queryable } from '@sluice/database';

/** A table that retention trims: its row key and the time column the cut applies to. */
export interface RetainedTable {
  table: 'events' | 'metric_samples' | 'alert_history';
  key: 'id' | 'ctid';
  column: 'stored_at' | 'at';
}

/** Deletes for retention, of every customer at once. */
export const RetentionRepository = {
  /** Deletes at most `limit` rows older than `cutoff` (ISO-8601); answers how many. */
  async deleteOlderThan(db: Queryable, target: RetainedTable, cutoff: string, limit: number): Promise<number> {
    const { table, key, column } = target;
    const res = await db.query(
      `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${column} < $1 LIMIT ${limit})`,
      [cutoff],
    );
    return res.rowCount ?? 0;
  },
};
