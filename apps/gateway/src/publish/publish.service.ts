import { Injectable } from '@nestjs/common';
import { Errors, Messages } from '@sluice/common';
import { validateBatch } from '@sluice/contracts';
import { PUBLISH_TOPICS, PublishQueue, PublishRoute, PublishTopic } from '@sluice/queue';
import { AccessCache } from '../auth/access-cache';
import { mayUseCustomer, Principal } from '../auth/principal';
import { QueueProducer } from '../queue/queue-producer.service';
import { RateLimiter } from '../rate-limit/rate-limiter';

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
    private readonly limiter: RateLimiter,
  ) {}

  publish(route: PublishRoute, body: unknown, user: Principal, requestId: string): Promise<PublishAccepted> {
    return this.accept(PUBLISH_TOPICS[route], body, user, requestId);
  }

  // Generic in the queue, so that the records validated are the records its jobs carry.
  private async accept<Q extends PublishQueue>(
    topic: PublishTopic<Q>,
    body: unknown,
    user: Principal,
    requestId: string,
  ): Promise<PublishAccepted> {
    const batch = validateBatch(topic.record, body);
    if (!batch.ok) throw Errors.invalidPayload(batch.errors);

    const customerIds = new Set<string>();
    for (const record of batch.records) customerIds.add(record.envcustomerid);
    const statuses = await this.access.customerStatuses(customerIds);
    for (const status of statuses.values()) if (!status.active) throw Errors.inactiveCustomer();
    for (const id of customerIds) if (!mayUseCustomer(user, id)) throw Errors.notAssociated();
    await this.limiter.customers(customerIds);

    await this.producer.enqueue(topic.queue, {
      requestId,
      receivedAt: new Date().toISOString(),
      userId: user.id,
      records: batch.records,
    });
    return { message: Messages.published, count: batch.records.length, requestId };
  }
}
