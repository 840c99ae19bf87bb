import { EntityRecord, EventRecord, HeartbeatRecord, MetricRecord, ServiceRecord } from '@sluice/contracts';
import { QueueName } from './queue-names';
import type { PublishQueue } from './job-payloads';

export interface PublishTopic {
  queue: PublishQueue;
  record: new () => object;
  summary: string;
}

/** The five publish routes of spec §2 (`POST /publish/<route>`), each one's record and queue. */
export const PUBLISH_TOPICS = {
  allevents: { queue: QueueName.Events, record: EventRecord, summary: 'Publish events' },
  metrics: { queue: QueueName.Metrics, record: MetricRecord, summary: 'Publish metric samples' },
  entity: { queue: QueueName.EntityTopology, record: EntityRecord, summary: 'Publish entity topology' },
  service: { queue: QueueName.ServiceTopology, record: ServiceRecord, summary: 'Publish service topology' },
  healthcheck: { queue: QueueName.Healthcheck, record: HeartbeatRecord, summary: 'Publish connector heartbeats' },
} as const satisfies Record<string, PublishTopic>;

export type PublishRoute = keyof typeof PUBLISH_TOPICS;
