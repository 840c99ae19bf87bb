import type { MapAttribute, NotifierSettings } from '@sluice/contracts';
import type { Queryable } from '@sluice/database';
import { preparedStatement } from '@sluice/database';

/** A tenant's notifier as stored: its secrets still sealed. */
export interface NotifierRow {
  id: string;
  notifier: NotifierSettings;
  notifier_secrets: string | null;
  outbound_map_attributes: MapAttribute[] | null;
}

const SELECT_THRESHOLDS = preparedStatement(
  'notifier.thresholds',
  `SELECT tenant_id, COALESCE((notifier->>'minSeverity')::int, 4) AS min_severity
     FROM integrations WHERE has_notifier AND tenant_id = ANY($1::text[])`,
);

/** The `integrations` table, as the worker reads it (the gateway administers it). */
export const IntegrationRepository = {
  /** The tenant's notifier (at most one per tenant, spec §4). */
  async notifierOf(db: Queryable, tenantId: string): Promise<NotifierRow | undefined> {
    const notifier = await db.query<NotifierRow>(
      `SELECT id, notifier, notifier_secrets, outbound_map_attributes FROM integrations
        WHERE tenant_id = $1 AND has_notifier`,
      [tenantId],
    );
    return notifier.rows[0];
  },

  /** `minSeverity` of each of the tenants that have a notifier. */
  async notifierThresholds(db: Queryable, tenantIds: string[]): Promise<Map<string, number>> {
    const rows = await db.query<{ tenant_id: string; min_severity: number }>(SELECT_THRESHOLDS([tenantIds]));
    return new Map(rows.rows.map((r) => [r.tenant_id, r.min_severity]));
  },

  /**
   * The tenant's inbound attribute mappings: those of the integration that reported, else of its
   * oldest integration that has any.
   */
  async inboundMappings(db: Queryable, tenantId: string, integrationId: string | null): Promise<MapAttribute[]> {
    const mappings = await db.query<{ inbound_map_attributes: MapAttribute[] | null }>(
      `SELECT inbound_map_attributes FROM integrations
        WHERE tenant_id = $1 AND inbound_map_attributes IS NOT NULL
        ORDER BY (id = $2) DESC, created_at LIMIT 1`,
      [tenantId, integrationId],
    );
    return mappings.rows[0]?.inbound_map_attributes ?? [];
  },
};
