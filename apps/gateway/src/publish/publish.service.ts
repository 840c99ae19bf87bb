import { Injectable } from '@nestjs/common';
import { Errors, Messages } from '@sluice/common';
import { validateBatch } from '@sluice/contracts';
import { PUBLISH_TOPICS, PublishRoute } from '@sluice/queue';
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

  async publish(route: PublishRoute, body: unknown, user: Principal, requestId: string): Promise<PublishAccepted> {
    const topic = PUBLISH_TOPICS[route];
    const batch = validateBatch<{ envcustomerid: string }>(topic.record as new () => { envcustomerid: string }, body);
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
      records: batch.records as never[],
    });
    return { message: Messages.published, count: batch.records.length, requestId };
  }
}
