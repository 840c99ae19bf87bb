import { Injectable } from '@nestjs/common';
import { Errors, Messages } from '@sluice/common';
import { validateBatch } from '@sluice/contracts';
import { PUBLISH_TOPICS, PublishRoute } from '@sluice/queue';
import { AccessCache } from '../auth/access-cache.service';
import { mayUseCustomer, Principal } from '../auth/principal';
import { QueueProducer } from '../queue/queue-producer.service';

/** What every record carries: the customer it belongs to. */
type CustomerRecord = { envcustomerid: string };

export interface PublishAccepted {
  message: string;
  count: number;
  requestId: string;
}

/**
 * Spec §2, the steps of a publish request after authentication, each called in the contract's
 * order by PublishRoutes.handle: validate every record (400 listing each failure), check each
 * customer (400 unknown/inactive, then 401 not mapped), and enqueue the whole batch as one job.
 * Nothing of a refused request is queued.
 */
@Injectable()
export class PublishService {
  constructor(
    private readonly access: AccessCache,
    private readonly producer: QueueProducer,
  ) {}

  /** The records of a body, each valid for the route's record class; 400 listing every failure. */
  validate(route: PublishRoute, body: unknown): CustomerRecord[] {
    const topic = PUBLISH_TOPICS[route];
    const batch = validateBatch<{ envcustomerid: string }>(topic.record as new () => { envcustomerid: string }, body);
    if (!batch.ok) throw Errors.invalidPayload(batch.errors);
    return batch.records;
  }

  /** The records' customers: 400 if one is unknown or inactive, then 401 if the user is not mapped to one. */
  async customersOf(records: CustomerRecord[], user: Principal): Promise<Set<string>> {
    const customerIds = new Set<string>();
    for (const record of records) customerIds.add(record.envcustomerid);
    const statuses = await this.access.customerStatuses(customerIds);
    for (const status of statuses.values()) if (!status.active) throw Errors.inactiveCustomer();
    for (const id of customerIds) if (!mayUseCustomer(user, id)) throw Errors.notAssociated();
    return customerIds;
  }

  /** Queues the batch as one job of the route's queue (the producer's promise, not another). */
  enqueue(route: PublishRoute, records: CustomerRecord[], user: Principal, requestId: string): Promise<void> {
    const topic = PUBLISH_TOPICS[route];
    return this.producer.enqueue(topic.queue, {
      requestId,
      receivedAt: new Date().toISOString(),
      userId: user.id,
      records: records as never[],
    });
  }

  /** The answer once the job is queued. */
  accepted(records: unknown[], requestId: string): PublishAccepted {
    return { message: Messages.published, count: records.length, requestId };
  }
}
