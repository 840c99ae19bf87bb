import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import type { MapAttribute, NotifierSecrets, NotifierSettings } from '@sluice/contracts';
import { preparedStatement } from '@sluice/database';
import type { PoolClient } from 'pg';
import { credentialValues, Redactor } from './redaction';

/** A tenant's outbound notifier, secrets opened, ready to call. */
export interface Notifier {
  integrationId: string;
  settings: NotifierSettings;
  secrets: NotifierSecrets;
  outboundMappings: MapAttribute[];
}

/** What to redact from the ITSM's answers to this notifier's calls: every value of its credentials. */
export const secretsOf = (n: Notifier) => new Redactor(credentialValues(n.secrets));

const SELECT_THRESHOLDS = preparedStatement(
  'notifier.thresholds',
  `SELECT tenant_id, COALESCE((notifier->>'minSeverity')::int, 4) AS min_severity
     FROM integrations WHERE has_notifier AND tenant_id = ANY($1::text[])`,
);

/** Reads a tenant's notifier (at most one per tenant, spec §4) and opens its sealed secrets. */
@Injectable()
export class NotifierConfig {
  private readonly box: SecretBox;

  constructor(@Inject(SLUICE_CONFIG) config: SluiceConfig) {
    this.box = new SecretBox(config.secretsKey);
  }

  async forTenant(db: Pick<PoolClient, 'query'>, tenantId: string): Promise<Notifier | undefined> {
    const row = (
      await db.query<{ id: string; notifier: NotifierSettings; notifier_secrets: string | null; outbound_map_attributes: MapAttribute[] | null }>(
        'SELECT id, notifier, notifier_secrets, outbound_map_attributes FROM integrations WHERE tenant_id = $1 AND has_notifier',
        [tenantId],
      )
    ).rows[0];
    if (!row) return undefined;
    return {
      integrationId: row.id,
      settings: row.notifier,
      secrets: row.notifier_secrets ? (JSON.parse(this.box.open(row.notifier_secrets)) as NotifierSecrets) : {},
      outboundMappings: row.outbound_map_attributes ?? [],
    };
  }

  /** Thresholds of the tenants that have a notifier (no secrets opened), for deciding what to notify. */
  async thresholds(db: Pick<PoolClient, 'query'>, tenantIds: string[]): Promise<Map<string, number>> {
    if (tenantIds.length === 0) return new Map();
    const rows = await db.query<{ tenant_id: string; min_severity: number }>(SELECT_THRESHOLDS([tenantIds]));
    return new Map(rows.rows.map((r) => [r.tenant_id, r.min_severity]));
  }
}
