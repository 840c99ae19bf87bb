import { Inject, Injectable } from '@nestjs/common';

import { SecretBox } from '@sluice/common';
import { Redactor } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import type { MapAttribute, NotifierSecrets, NotifierSettings } from '@sluice/contracts';
import type { Queryable } from '@sluice/database';

import { IntegrationRepository } from '../persistence/integration.repository';
import { credentialValues } from './notifier-secrets';

/** A tenant's outbound notifier, secrets opened, ready to call. */
export interface Notifier {
  integrationId: string;
  settings: NotifierSettings;
  secrets: NotifierSecrets;
  outboundMappings: MapAttribute[];
}

/** What to redact from the ITSM's answers to this notifier's calls: every value of its credentials. */
export const secretsOf = (n: Notifier) => new Redactor(credentialValues(n.secrets));

/** Reads a tenant's notifier (at most one per tenant, spec §4) and opens its sealed secrets. */
@Injectable()
export class NotifierConfig {
  private readonly box: SecretBox;

  constructor(@Inject(SLUICE_CONFIG) config: SluiceConfig) {
    this.box = new SecretBox(config.secretsKey);
  }

  async forTenant(db: Queryable, tenantId: string): Promise<Notifier | undefined> {
    const row = await IntegrationRepository.notifierOf(db, tenantId);
    if (!row) return undefined;
    return {
      integrationId: row.id,
      settings: row.notifier,
      secrets: row.notifier_secrets ? (JSON.parse(this.box.open(row.notifier_secrets)) as NotifierSecrets) : {},
      outboundMappings: row.outbound_map_attributes ?? [],
    };
  }
}
