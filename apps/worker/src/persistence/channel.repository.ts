import type { ChannelChange, ChannelDeliveryStatus, ChannelRegionName, ChannelTypeName } from '@sluice/contracts';
import type { AlertHistoryRow, AlertRow, Queryable } from '@sluice/database';
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

/** The alert fields a notice carries (read as JSON: no timestamps). */
export type NoticeAlert = Pick<
  AlertRow,
  | 'id'
  | 'entity'
  | 'entityid'
  | 'parametercategory'
  | 'parameterid'
  | 'parametername'
  | 'splitby'
  | 'severity'
  | 'state'
  | 'count'
  | 'description'
>;

/** What a change job reads, in one statement: its integration, its thread, its alert. */
export interface ChangeContext {
  integration: ChannelRow;
  /** Undefined until the planning transaction has committed (or once the alert is deleted). */
  thread?: ThreadRow;
  alert?: NoticeAlert;
}

/** A concluded change: its last attempt, its place in the thread, and its alert history row. */
export interface Conclusion {
  delivery: DeliveryRecord;
  seq: number;
  slack?: { ts?: string; channel?: string };
  history: AlertHistoryRow;
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

const INTEGRATION_COLUMNS = 'i.id, i.customer_id, i.type, i.min_severity, i.settings, i.secrets, i.region, i.enabled';

const CHANGE_CONTEXT = preparedStatement(
  'channels.change-context',
  `SELECT ${INTEGRATION_COLUMNS}, to_jsonb(t) AS thread, to_jsonb(a) AS alert
     FROM channel_integrations i
     LEFT JOIN channel_threads t ON t.integration_id = i.id AND t.alert_id = $3
     LEFT JOIN alerts a ON a.id = $3 AND a.envcustomerid = $2
    WHERE i.id = $1 AND i.customer_id = $2`,
);

// One statement, so one round trip and atomic without a transaction: the delivery row, the
// thread's concluded sequence number (and Slack's first message, never replaced), the history row.
const CONCLUDE = preparedStatement(
  'channels.conclude',
  `WITH delivery AS (
     INSERT INTO channel_deliveries (${DELIVERY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
   ), thread AS (
     UPDATE channel_threads SET done = GREATEST(done, $10), updated_at = now(),
            slack_ts = COALESCE(slack_ts, $11), slack_channel = COALESCE(slack_channel, $12)
      WHERE integration_id = $1 AND alert_id = $3
   )
   INSERT INTO alert_history (alert_id, kind, from_state, to_state, from_severity, to_severity, source, note)
   VALUES ($3, $13, $14::"AlertState", $15::"AlertState", $16, $17, $18, $19)`,
);

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

  /** The integration (undefined if deleted), and the job's thread and alert if there. */
  async changeContext(
    db: Queryable,
    customerId: string,
    integrationId: string,
    alertId: string,
  ): Promise<ChangeContext | undefined> {
    const row = (
      await db.query<ChannelRow & { thread: ThreadRow | null; alert: NoticeAlert | null }>(
        CHANGE_CONTEXT([integrationId, customerId, alertId]),
      )
    ).rows[0];
    if (!row) return undefined;
    const { thread, alert, ...integration } = row;
    return { integration, thread: thread ?? undefined, alert: alert ?? undefined };
  },

  async conclude(db: Queryable, c: Conclusion): Promise<void> {
    const d = c.delivery;
    const h = c.history;
    await db.query(
      CONCLUDE([
        d.integrationId,
        d.customerId,
        d.alertId,
        d.change,
        d.attempt,
        d.status,
        d.responseCode,
        d.error,
        d.idempotencyKey,
        c.seq,
        c.slack?.ts ?? null,
        c.slack?.channel ?? null,
        h.kind,
        h.fromState,
        h.toState,
        h.fromSeverity,
        h.toSeverity,
        h.source,
        h.note,
      ]),
    );
  },

  async integration(db: Queryable, customerId: string, integrationId: string): Promise<ChannelRow | undefined> {
    const row = await db.query<ChannelRow>(
      `SELECT id, customer_id, type, min_severity, settings, secrets, region, enabled
         FROM channel_integrations WHERE id = $1 AND customer_id = $2`,
      [integrationId, customerId],
    );
    return row.rows[0];
  },

  /** The change `seq` concluded without a delivery (its integration disabled, its job failed for good). */
  async skip(db: Queryable, integrationId: string, alertId: string, seq: number): Promise<void> {
    await db.query(
      'UPDATE channel_threads SET done = GREATEST(done, $3), updated_at = now() WHERE integration_id = $1 AND alert_id = $2',
      [integrationId, alertId, seq],
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
