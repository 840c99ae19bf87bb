import type { ChannelChange, ChannelDeliveryStatus, ChannelRegionName, ChannelTypeName } from '@sluice/contracts';
import type { Queryable } from '@sluice/database';
import { preparedStatement } from '@sluice/database';

/** An integration as the planner needs it: who it belongs to, and its threshold. */
export interface ChannelTarget {
  id: string;
  customer_id: string;
  type: ChannelTypeName;
  min_severity: number;
}

/** An integration as a delivery needs it: its secrets still sealed. */
export interface ChannelRow extends ChannelTarget {
  settings: Record<string, string>;
  secrets: string;
  region: ChannelRegionName;
  enabled: boolean;
}

/** One (integration, alert) thread's next change: its sequence number. */
export interface PlannedChange {
  integration_id: string;
  alert_id: string;
  planned: number;
}

export interface ThreadRow {
  done: number;
  slack_ts: string | null;
  slack_channel: string | null;
}

export interface DeliveryRecord {
  integrationId: string;
  customerId: string;
  alertId: string | null;
  change: ChannelChange;
  attempt: number;
  status: ChannelDeliveryStatus;
  responseCode: number | null;
  error: string | null;
  idempotencyKey: string;
}

const ENABLED = preparedStatement(
  'channels.enabled',
  `SELECT id, customer_id, type, min_severity FROM channel_integrations
    WHERE enabled AND customer_id = ANY($1::text[])`,
);

// A raising change: the thread is (re)opened and its next sequence number taken.
const RAISE = preparedStatement(
  'channels.raise',
  `INSERT INTO channel_threads AS t (integration_id, alert_id, open, planned)
     SELECT i, a, true, 1 FROM unnest($1::uuid[], $2::uuid[]) AS u(i, a)
   ON CONFLICT (integration_id, alert_id) DO UPDATE SET open = true, planned = t.planned + 1, updated_at = now()
   RETURNING integration_id, alert_id, planned`,
);

// A closing change reaches the integrations with the alert's thread open: an acknowledge keeps
// it open (the resolve is still to come), a resolve closes it.
const CLOSE = preparedStatement(
  'channels.close',
  `UPDATE channel_threads t SET planned = t.planned + 1, open = u.keep_open, updated_at = now()
     FROM unnest($1::uuid[], $2::bool[]) AS u(alert_id, keep_open)
    WHERE t.alert_id = u.alert_id AND t.open AND t.integration_id = ANY($3::uuid[])
   RETURNING t.integration_id, t.alert_id, t.planned`,
);

const DELIVERY_COLUMNS =
  'integration_id, customer_id, alert_id, change, attempt, status, response_code, error, idempotency_key';

/**
 * The worker's side of spec §9's tables: which integrations an alert change reaches
 * (`channel_integrations`), its thread on each (`channel_threads`), and the record of every
 * delivery attempt (`channel_deliveries`). The gateway administers the integrations.
 */
export const ChannelRepository = {
  /** The enabled integrations of the customers. */
  async enabledOf(db: Queryable, customerIds: string[]): Promise<ChannelTarget[]> {
    return (await db.query<ChannelTarget>(ENABLED([customerIds]))).rows;
  },

  /** Opens (or keeps open) the threads of raising changes; answers each one's sequence number. */
  async raise(db: Queryable, pairs: { integrationId: string; alertId: string }[]): Promise<PlannedChange[]> {
    if (pairs.length === 0) return [];
    const planned = await db.query<PlannedChange>(
      RAISE([pairs.map((p) => p.integrationId), pairs.map((p) => p.alertId)]),
    );
    return planned.rows;
  },

  /** The open threads of closing changes, among `integrationIds`, with their next sequence numbers. */
  async close(
    db: Queryable,
    closing: { alertId: string; keepOpen: boolean }[],
    integrationIds: string[],
  ): Promise<PlannedChange[]> {
    if (closing.length === 0 || integrationIds.length === 0) return [];
    const planned = await db.query<PlannedChange>(
      CLOSE([closing.map((c) => c.alertId), closing.map((c) => c.keepOpen), integrationIds]),
    );
    return planned.rows;
  },

  async integration(db: Queryable, customerId: string, integrationId: string): Promise<ChannelRow | undefined> {
    const row = await db.query<ChannelRow>(
      `SELECT id, customer_id, type, min_severity, settings, secrets, region, enabled
         FROM channel_integrations WHERE id = $1 AND customer_id = $2`,
      [integrationId, customerId],
    );
    return row.rows[0];
  },

  async thread(db: Queryable, integrationId: string, alertId: string): Promise<ThreadRow | undefined> {
    const row = await db.query<ThreadRow>(
      'SELECT done, slack_ts, slack_channel FROM channel_threads WHERE integration_id = $1 AND alert_id = $2',
      [integrationId, alertId],
    );
    return row.rows[0];
  },

  /** The change `seq` concluded; the first Slack message's ts is kept (never replaced). */
  async conclude(
    db: Queryable,
    integrationId: string,
    alertId: string,
    seq: number,
    slack?: { ts?: string; channel?: string },
  ): Promise<void> {
    await db.query(
      `UPDATE channel_threads SET done = GREATEST(done, $3), updated_at = now(),
              slack_ts = COALESCE(slack_ts, $4), slack_channel = COALESCE(slack_channel, $5)
        WHERE integration_id = $1 AND alert_id = $2`,
      [integrationId, alertId, seq, slack?.ts ?? null, slack?.channel ?? null],
    );
  },

  /** Records delivery attempts (one statement). */
  async record(db: Queryable, deliveries: DeliveryRecord[]): Promise<void> {
    if (deliveries.length === 0) return;
    const column = <K extends keyof DeliveryRecord>(k: K) => deliveries.map((d) => d[k]);
    await db.query(
      `INSERT INTO channel_deliveries (${DELIVERY_COLUMNS})
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::int[], $6::text[], $7::int[],
                              $8::text[], $9::text[])`,
      [
        column('integrationId'),
        column('customerId'),
        column('alertId'),
        column('change'),
        column('attempt'),
        column('status'),
        column('responseCode'),
        column('error'),
        column('idempotencyKey'),
      ],
    );
  },
};
