import { Inject, Injectable } from '@nestjs/common';

import { Errors, SecretBox } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import type { ChannelSecrets, ChannelSettings, ChannelTypeName } from '@sluice/contracts';
import type { ChannelIntegration } from '@sluice/database';

import type { Page, PageOf } from '../http/page-query.dto';
import { mapPrismaError, prismaCode } from '../http/prisma-errors';
import { validateBody } from '../http/validation';
import { ChannelDeliveryRepository } from '../persistence/channel-delivery.repository';
import type { ChannelColumns } from '../persistence/channel-integration.repository';
import { ChannelIntegrationRepository } from '../persistence/channel-integration.repository';
import type { ChannelView, DeliveryView } from './channel.views';
import { channelView, deliveryView } from './channel.views';
import { CHANNEL_DTOS } from './channel-config.dto';
import type { ChannelBody, ChannelConfig } from './channel-merge';
import { mergeChannel } from './channel-merge';

const notFound = (type: ChannelTypeName) => Errors.notFound(`No ${type} integration for this customer`);

/**
 * Notification channels of spec §9: the customer's typed integrations, one per type. Secrets are
 * sealed with SECRETS_KEY (the key of the ITSM notifiers' secrets) and leave this service only
 * redacted; a write that changes none of them keeps the stored ciphertext as it is.
 */
@Injectable()
export class ChannelsService {
  private readonly box: SecretBox;

  constructor(
    private readonly integrations: ChannelIntegrationRepository,
    private readonly deliveries: ChannelDeliveryRepository,
    @Inject(SLUICE_CONFIG) config: SluiceConfig,
  ) {
    this.box = new SecretBox(config.secretsKey);
  }

  async list(customerId: string, page: Page): Promise<PageOf<ChannelView>> {
    const { results, totalCount } = await this.integrations.list(customerId, page);
    return { results: results.map((row) => channelView(row.type, this.configOf(row))), totalCount };
  }

  async get(customerId: string, type: ChannelTypeName): Promise<ChannelView> {
    return channelView(type, this.configOf(await this.find(customerId, type)));
  }

  /** POST: adds the integration; one of this type already there is a 409 (PUT changes it). */
  async create(customerId: string, type: ChannelTypeName, body: unknown): Promise<void> {
    const { config } = mergeChannel(type, undefined, await this.bodyOf(type, body));
    try {
      await this.integrations.create(customerId, type, this.columnsOf(config));
    } catch (err) {
      throw mapPrismaError(err, {
        P2002: Errors.conflict(`This customer already has a ${type} integration: PUT changes it`),
      });
    }
  }

  /** PUT: adds the integration, or changes the fields the body carries and keeps the others. */
  async put(customerId: string, type: ChannelTypeName, body: unknown): Promise<void> {
    const dto = await this.bodyOf(type, body);
    const write = () =>
      this.integrations.upsert(customerId, type, (row) => {
        const { config, secretsChanged } = mergeChannel(type, row ? this.configOf(row) : undefined, dto);
        return this.columnsOf(config, row && !secretsChanged ? row.secrets : undefined);
      });
    try {
      await write();
    } catch (err) {
      // Two first writes at once: the one that lost the race changes what the other added.
      if (prismaCode(err) !== 'P2002') throw err;
      await write();
    }
  }

  async remove(customerId: string, type: ChannelTypeName): Promise<void> {
    try {
      await this.integrations.delete(customerId, type);
    } catch (err) {
      throw mapPrismaError(err, { P2025: notFound(type) });
    }
  }

  /** The integration's id (404 if the customer has none of this type). */
  async idOf(customerId: string, type: ChannelTypeName): Promise<string> {
    return (await this.find(customerId, type)).id;
  }

  /** The integration's recent deliveries, newest first. */
  async deliveriesOf(customerId: string, type: ChannelTypeName, page: Page): Promise<PageOf<DeliveryView>> {
    const row = await this.find(customerId, type);
    const secrets = Object.values(this.configOf(row).secrets).filter((s): s is string => s !== undefined);
    const { results, totalCount } = await this.deliveries.recent(customerId, row.id, page);
    return { results: results.map((d) => deliveryView(d, secrets)), totalCount };
  }

  private async find(customerId: string, type: ChannelTypeName): Promise<ChannelIntegration> {
    const row = await this.integrations.find(customerId, type);
    if (!row) throw notFound(type);
    return row;
  }

  /**
   * The body checked against its type's DTO. Seed 002: its `type` equals the path's; that is
   * checked first, so that a body of another type is refused for that, not field by field.
   */
  private async bodyOf(type: ChannelTypeName, body: unknown): Promise<ChannelBody> {
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      const given = (body as { type?: unknown }).type;
      if (given !== type) {
        const error =
          given === undefined
            ? `type is required: ${type}, the integration type of the path`
            : `type must be ${type}, the integration type of the path`;
        throw Errors.invalidPayload([{ field: 'type', error }]);
      }
    }
    return (await validateBody(CHANNEL_DTOS[type], body)) as unknown as ChannelBody;
  }

  private configOf(row: ChannelIntegration): ChannelConfig {
    return {
      settings: row.settings as unknown as ChannelSettings,
      secrets: JSON.parse(this.box.open(row.secrets)) as ChannelSecrets,
      region: row.region,
      minSeverity: row.minSeverity,
      enabled: row.enabled,
    };
  }

  /** `sealed`: the stored ciphertext, kept when no secret changed. */
  private columnsOf(config: ChannelConfig, sealed?: string): ChannelColumns {
    return {
      settings: config.settings,
      secrets: sealed ?? this.box.seal(JSON.stringify(config.secrets)),
      region: config.region,
      minSeverity: config.minSeverity,
      enabled: config.enabled,
    };
  }
}
