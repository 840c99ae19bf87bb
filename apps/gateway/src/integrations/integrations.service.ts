import { randomBytes, randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import { Errors, SecretBox, sha256Hex } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import type { Integration } from '@sluice/database';
import { Prisma } from '@sluice/database';

import type { Page } from '../http/page-query.dto';
import { mapPrismaError } from '../http/prisma-errors';
import { IntegrationColumns, IntegrationRepository } from '../persistence/integration.repository';
import { InstallIntegrationDto, UpdateIntegrationDto } from './integration.dto';
import { canonicalMapAttributes, MapAttribute } from './map-attributes';
import { NotifierSecrets, NotifierSettings, resolveNotifier } from './notifier-rules';

const KNOWN_INTEGRATIONS: Record<string, string> = {
  CUSTOM: 'Custom',
  SERVICENOW: 'ServiceNow',
  CASERVICEDESK: 'Service Desk',
  JIRA: 'Jira Service Management',
  BMCREMEDY: 'BMC Remedy',
};
const NOT_FOUND = 'Integration not found';
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 characters like the seed's tokens (~190 bits), without modulo bias. */
function newToken(): string {
  let token = '';
  while (token.length < 32) {
    for (const byte of randomBytes(48)) if (byte < 248 && token.length < 32) token += TOKEN_ALPHABET[byte % 62];
  }
  return token;
}

/**
 * Fields Sluice answers and a client may send back as they were (a GET-modify-PUT round trip):
 * equal to the stored value they are ignored, different they are a 400 naming each.
 */
function readOnly(fields: [field: string, given: string | undefined, stored: string][]): void {
  const errors = fields
    .filter(([, given, stored]) => given !== undefined && given !== stored)
    .map(([field, , stored]) => ({ field, error: `${field} cannot be changed: it is ${stored}` }));
  if (errors.length > 0) throw Errors.invalidPayload(errors);
}

export interface IntegrationView {
  id: string;
  displayName?: string;
  integration: { id: string; name: string };
  inboundConfig?: { authentication?: Record<string, unknown>; mapAttributes?: MapAttribute[] };
  outboundConfig?: {
    baseNotifier?: Omit<NotifierSettings, 'minSeverity'>;
    minSeverity?: number;
    mapAttributes?: MapAttribute[];
  };
}

/**
 * Installed integrations of spec §4: install, read, update (the fields a request carries; the
 * rest kept), delete, regenerate the inbound token. Notifier secrets are sealed with SECRETS_KEY
 * and never leave this service; the WEBHOOK token is shown once, when made.
 */
@Injectable()
export class IntegrationsService {
  private readonly box: SecretBox;

  constructor(
    private readonly integrations: IntegrationRepository,
    @Inject(SLUICE_CONFIG) config: SluiceConfig,
  ) {
    this.box = new SecretBox(config.secretsKey);
  }

  async install(tenantId: string, dto: InstallIntegrationDto): Promise<IntegrationView> {
    const id = `INTG-${randomUUID()}`;
    const integrationName = KNOWN_INTEGRATIONS[dto.integration.id] ?? dto.integration.id;
    readOnly([['integration.name', dto.integration.name, integrationName]]);
    const data = this.changesOf(undefined, dto);
    try {
      const row = await this.integrations.create(tenantId, {
        id,
        integrationId: dto.integration.id,
        integrationName,
        ...data.columns,
      });
      return this.view(row, data.token);
    } catch (err) {
      throw this.conflict(err);
    }
  }

  async list(tenantId: string, page: Page) {
    const { results, totalCount } = await this.integrations.list(tenantId, page);
    return { results: results.map((r) => this.view(r)), totalCount };
  }

  async get(tenantId: string, id: string): Promise<IntegrationView> {
    return this.view(await this.find(tenantId, id));
  }

  async update(tenantId: string, id: string, dto: UpdateIntegrationDto): Promise<IntegrationView> {
    const existing = await this.find(tenantId, id);
    readOnly([
      ['id', dto.id, existing.id],
      ['integration.id', dto.integration?.id, existing.integrationId],
      ['integration.name', dto.integration?.name, existing.integrationName],
    ]);
    const data = this.changesOf(existing, dto);
    try {
      const row = await this.integrations.update(tenantId, id, data.columns);
      return this.view(row, data.token);
    } catch (err) {
      throw this.conflict(err);
    }
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await this.find(tenantId, id);
    await this.integrations.delete(tenantId, id).catch((err) => {
      throw this.conflict(err);
    });
  }

  async regenerateToken(tenantId: string, id: string): Promise<IntegrationView> {
    const existing = await this.find(tenantId, id);
    if (existing.inboundAuthType !== 'WEBHOOK') {
      throw Errors.invalidPayload([
        { field: 'inboundConfig.authentication.authType', error: 'only a WEBHOOK integration has a token' },
      ]);
    }
    const token = newToken();
    const row = await this.integrations.update(tenantId, id, { inboundTokenHash: sha256Hex(token) }).catch((err) => {
      throw this.conflict(err);
    });
    return this.view(row, token);
  }

  /** The stored notifier with its secrets, for the outbound worker. */
  notifierOf(row: Integration): { settings: NotifierSettings; secrets: NotifierSecrets } | undefined {
    if (!row.hasNotifier || !row.notifier) return undefined;
    return {
      settings: row.notifier as unknown as NotifierSettings,
      secrets: row.notifierSecrets ? (JSON.parse(this.box.open(row.notifierSecrets)) as NotifierSecrets) : {},
    };
  }

  private async find(tenantId: string, id: string): Promise<Integration> {
    const row = await this.integrations.find(tenantId, id);
    if (!row) throw Errors.notFound(NOT_FOUND);
    return row;
  }

  /** The columns a request changes, and a new WEBHOOK token if it made one. */
  private changesOf(existing: Integration | undefined, dto: UpdateIntegrationDto) {
    const columns: IntegrationColumns = {};
    let token: string | undefined;
    if (dto.displayName !== undefined) columns.displayName = dto.displayName;

    const auth = dto.inboundConfig?.authentication;
    if (
      auth?.token !== undefined &&
      (!existing?.inboundTokenHash || sha256Hex(auth.token) !== existing.inboundTokenHash)
    ) {
      throw Errors.invalidPayload([
        {
          field: 'inboundConfig.authentication.token',
          error: 'token is read-only: send back the one Sluice made, or none (POST …/token makes a new one)',
        },
      ]);
    }
    if (auth) {
      const integrationId = dto.integration?.id ?? existing?.integrationId;
      // An OAUTH2 update that does not carry a role keeps the stored one (spec §4: updates keep
      // the fields they do not carry).
      const roleUniqueId =
        auth.role?.uniqueId ?? (auth.authType === 'OAUTH2' ? (existing?.inboundRoleUniqueId ?? null) : null);
      if (auth.authType === 'OAUTH2' && integrationId === 'CUSTOM' && !roleUniqueId) {
        throw Errors.invalidPayload([
          {
            field: 'inboundConfig.authentication.role.uniqueId',
            error: 'role.uniqueId is required for OAUTH2 on a CUSTOM integration',
          },
        ]);
      }
      columns.inboundAuthType = auth.authType;
      columns.inboundRoleUniqueId = roleUniqueId;
      if (auth.authType === 'WEBHOOK' && !existing?.inboundTokenHash) {
        token = newToken();
        columns.inboundTokenHash = sha256Hex(token);
      } else if (auth.authType !== 'WEBHOOK') {
        columns.inboundTokenHash = null;
      }
    }
    if (dto.inboundConfig?.mapAttributes) {
      columns.inboundMapAttributes = canonicalMapAttributes(
        dto.inboundConfig.mapAttributes,
      ) as unknown as Prisma.InputJsonValue;
    }
    const out = dto.outboundConfig;
    if (out?.mapAttributes) {
      columns.outboundMapAttributes = canonicalMapAttributes(out.mapAttributes) as unknown as Prisma.InputJsonValue;
    }
    if (out?.baseNotifier || (out?.minSeverity !== undefined && existing?.hasNotifier)) {
      const stored = existing ? this.notifierOf(existing) : undefined;
      const { settings, secrets } = resolveNotifier(stored ?? {}, out.baseNotifier, out.minSeverity);
      columns.notifier = settings as unknown as Prisma.InputJsonValue;
      columns.notifierSecrets = this.box.seal(JSON.stringify(secrets));
      columns.hasNotifier = true;
    } else if (out?.minSeverity !== undefined) {
      throw Errors.invalidPayload([
        { field: 'outboundConfig.baseNotifier', error: 'minSeverity needs a baseNotifier' },
      ]);
    }
    return { columns, token };
  }

  private conflict(err: unknown): unknown {
    return mapPrismaError(err, {
      P2002: Errors.conflict('This tenant already has an integration with an outbound notifier'),
      // Deleted by another request between the lookup and the write.
      P2025: Errors.notFound(NOT_FOUND),
    });
  }

  /** What the API shows: the seed's response shapes, never a secret; the token only when just made. */
  view(row: Integration, token?: string): IntegrationView {
    const view: IntegrationView = {
      id: row.id,
      ...(row.displayName !== null && { displayName: row.displayName }),
      integration: { id: row.integrationId, name: row.integrationName },
    };
    if (row.inboundAuthType || row.inboundMapAttributes) {
      view.inboundConfig = {};
      if (row.inboundAuthType) {
        view.inboundConfig.authentication = {
          authType: row.inboundAuthType,
          ...(token && { token }),
          ...(row.inboundRoleUniqueId && { role: { uniqueId: row.inboundRoleUniqueId } }),
        };
      }
      if (row.inboundMapAttributes)
        view.inboundConfig.mapAttributes = row.inboundMapAttributes as unknown as MapAttribute[];
    }
    if (row.hasNotifier || row.outboundMapAttributes) {
      view.outboundConfig = {};
      if (row.notifier) {
        const { minSeverity, ...baseNotifier } = row.notifier as unknown as NotifierSettings;
        view.outboundConfig.baseNotifier = baseNotifier;
        view.outboundConfig.minSeverity = minSeverity;
      }
      if (row.outboundMapAttributes)
        view.outboundConfig.mapAttributes = row.outboundMapAttributes as unknown as MapAttribute[];
    }
    return view;
  }
}
