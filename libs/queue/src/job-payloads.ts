import type { EntityRecord, EventRecord, HeartbeatRecord, MetricRecord, ServiceRecord } from '@sluice/contracts';
import { QueueName } from './queue-names';

/** What the gateway enqueues for one accepted publish request: the whole validated batch. */
export interface PublishJob<R> {
  /** The request id; also the job id, so a retried enqueue cannot create a second job. */
  requestId: string;
  /** When the gateway received the request (ISO-8601), for end-to-end latency. */
  receivedAt: string;
  userId: string;
  records: R[];
}

/** Spec §3: a ticket change reported by an ITSM tool, for the alert linked to the ticket. */
export interface ItsmUpdateJob {
  requestId: string;
  receivedAt: string;
  customerId: string;
  alertId: string;
  update: { state: number | string; sysid: string; number?: string; comments?: string; resolvedby?: string };
  /** Who reported it: an installed integration (its token) or a user. */
  via: { integrationId: string } | { userEmail: string };
}

/**
 * §4.1: open a ticket for an alert, or resolve its ticket. The worker re-reads the alert when it
 * runs, so a job whose reason no longer holds (ticket already open, alert resolved) is a no-op.
 */
export interface NotificationJob {
  action: 'open' | 'resolve';
  alertId: string;
  customerId: string;
  /** The alert's count after the change that asked for this, to tell whether it is committed yet. */
  count: number;
}

/** Queue name → job payload: `add` and the processor of a queue agree on this type. */
export interface JobPayloads {
  [QueueName.ItsmUpdates]: ItsmUpdateJob;
  [QueueName.Notifications]: NotificationJob;
  [QueueName.Events]: PublishJob<EventRecord>;
  [QueueName.Metrics]: PublishJob<MetricRecord>;
  [QueueName.EntityTopology]: PublishJob<EntityRecord>;
  [QueueName.ServiceTopology]: PublishJob<ServiceRecord>;
  [QueueName.Healthcheck]: PublishJob<HeartbeatRecord>;
}

export type ProducedQueue = keyof JobPayloads;
export type PublishQueue = Exclude<ProducedQueue, QueueName.ItsmUpdates | QueueName.Notifications>;
/** What the gateway enqueues: publish requests and inbound ticket updates. */
export type GatewayQueue = Exclude<ProducedQueue, QueueName.Notifications>;
