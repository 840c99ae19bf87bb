import { Injectable } from '@nestjs/common';

import { Errors, Messages } from '@sluice/common';
import { validateBatch } from '@sluice/contracts';
import { PUBLISH_TOPICS, PublishQueue, PublishRoute, PublishTopic, RecordOf } from '@sluice/queue';

import { AccessCache } from '../auth/access-cache.service';
import { mayUseCustomer, Principal } from '../auth/principal';
import { QueueProducer } from '../queue/queue-producer.service';

/** What every record carries: the customer it belongs to. */
type CustomerRecord = { envcustomerid: string };

/** A request's valid records and the queue they go to; the queue's jobs carry exactly this record type. */
export interface ValidBatch<Q extends PublishQueue = PublishQueue> {
  queue: Q;
  records: RecordOf<Q>[];
}

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
  validate(route: PublishRoute, body: unknown): ValidBatch {
    return validFor(PUBLISH_TOPICS[route], body);
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

  /**
   * Queues the batch as one job of its queue (the producer's promise, not another). Generic in
   * the queue, so that the records validated are the records its jobs carry.
   */
  enqueue<Q extends PublishQueue>(batch: ValidBatch<Q>, user: Principal, requestId: string): Promise<void> {
    return this.producer.enqueue(batch.queue, {
      requestId,
      receivedAt: new Date().toISOString(),
      userId: user.id,
      records: batch.records,
    });
  }

  /** The answer once the job is queued. */
  accepted(records: unknown[], requestId: string): PublishAccepted {
    return { message: Messages.published, count: records.length, requestId };
  }
}

function validFor<Q extends PublishQueue>(topic: PublishTopic<Q>, body: unknown): ValidBatch<Q> {
  const batch = validateBatch(topic.record, body);
  if (!batch.ok) throw Errors.invalidPayload(batch.errors);
  return { queue: topic.queue, records: batch.records };
}
