import { EntityRecord, EventRecord, HeartbeatRecord, MetricRecord, ServiceRecord } from '@sluice/contracts';

import { QueueName } from './queue-names';
import type { PublishQueue, RecordOf } from './queue-registry';

/** A publish route's queue and record class; the record class is the one its queue's jobs carry. */
export interface PublishTopic<Q extends PublishQueue> {
  queue: Q;
  record: new () => RecordOf<Q>;
}

const topic = <Q extends PublishQueue>(queue: Q, record: PublishTopic<Q>['record']): PublishTopic<Q> => ({
  queue,
  record,
});

/** The five publish routes of spec §2 (`POST /publish/<route>`): route key → queue and record class. */
export const PUBLISH_TOPICS = {
  allevents: topic(QueueName.Events, EventRecord),
  metrics: topic(QueueName.Metrics, MetricRecord),
  entity: topic(QueueName.EntityTopology, EntityRecord),
  service: topic(QueueName.ServiceTopology, ServiceRecord),
  healthcheck: topic(QueueName.Healthcheck, HeartbeatRecord),
} as const;

export type PublishRoute = keyof typeof PUBLISH_TOPICS;
/** The topic of one route, its record type kept. */
export type PublishTopicOf<R extends PublishRoute> = (typeof PUBLISH_TOPICS)[R];
