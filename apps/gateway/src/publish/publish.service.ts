import { Inject, Injectable } from '@nestjs/common';
import { getStorageToken, ThrottlerStorage } from '@nestjs/throttler';
import { Errors, Messages } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { validateBatch } from '@sluice/contracts';
import { PUBLISH_TOPICS, PublishRoute } from '@sluice/queue';
import { AccessCache } from '../auth/access-cache';
import { mayUseCustomer, Principal } from '../auth/principal';
import { QueueProducer } from '../queue/queue-producer.service';

export interface PublishAccepted {
  message: string;
  count: number;
  requestId: string;
}

/**
 * Spec §2 after authentication: validate every record (400 listing each failure), check each
 * customer (400 unknown/inactive, then 401 not mapped), apply the per-customer rate limit, and
 * enqueue the whole batch as one job. Nothing of a refused request is queued.
 */
@Injectable()
export class PublishService {
  constructor(
    private readonly access: AccessCache,
    private readonly producer: QueueProducer,
    @Inject(getStorageToken()) private readonly rateLimits: ThrottlerStorage,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
  ) {}

  async publish(route: PublishRoute, body: unknown, user: Principal, requestId: string): Promise<PublishAccepted> {
    const topic = PUBLISH_TOPICS[route];
    const batch = validateBatch<{ envcustomerid: string }>(topic.record as new () => { envcustomerid: string }, body);
    if (!batch.ok) throw Errors.invalidPayload(batch.errors);

    const customerIds = new Set<string>();
    for (const record of batch.records) customerIds.add(record.envcustomerid);
    const statuses = await this.access.customerStatuses(customerIds);
    for (const status of statuses.values()) if (!status.active) throw Errors.inactiveCustomer();
    for (const id of customerIds) if (!mayUseCustomer(user, id)) throw Errors.notAssociated();
    await this.limitCustomers(customerIds);

    await this.producer.enqueue(topic.queue, {
      requestId,
      receivedAt: new Date().toISOString(),
      userId: user.id,
      records: batch.records as never[],
    });
    return { message: Messages.published, count: batch.records.length, requestId };
  }

  private async limitCustomers(customerIds: Set<string>): Promise<void> {
    const { perCustomer, windowSeconds } = this.config.rateLimit;
    if (perCustomer === 0) return;
    for (const id of customerIds) {
      const hit = await this.rateLimits.increment(`customer:${id}`, windowSeconds * 1000, perCustomer, 0, 'customer');
      if (hit.isBlocked) throw Errors.tooManyRequests(hit.timeToBlockExpire);
    }
  }
}
