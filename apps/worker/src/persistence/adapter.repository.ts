import type { Queryable } from '@sluice/database';

/** An adapter that fell silent. */
export interface StaleAdapterRow {
  envcustomerid: string;
  adapterid: string;
  name: string;
  lastseen: Date;
  interval: number;
}

/** The `adapters` table's upkeep (HeartbeatWriter writes the heartbeats themselves). */
export const AdapterRepository = {
  /** Marks STALE every adapter of every customer silent for 2 × its interval at `now`; answers those. */
  async markStale(db: Queryable, now: Date): Promise<StaleAdapterRow[]> {
    const stale = await db.query<StaleAdapterRow>(
      `UPDATE adapters SET status = 'STALE', updated_at = now()
        WHERE status <> 'STALE' AND lastseen < $1::timestamptz - make_interval(secs => 2 * interval)
        RETURNING envcustomerid, adapterid, name, lastseen, interval`,
      [now.toISOString()],
    );
    return stale.rows;
  },
};
