import type { Job, JobsOptions } from 'bullmq';

import type { EntityRecord, EventRecord, HeartbeatRecord, MetricRecord, ServiceRecord } from '@sluice/contracts';

import {
  ALERT_ACTION_JOB_OPTIONS,
  CHANNEL_JOB_OPTIONS,
  DEFAULT_JOB_OPTIONS,
  MAINTENANCE_JOB_OPTIONS,
  NOTIFICATION_JOB_OPTIONS,
} from './job-options';
import type {
  AlertActionJob,
  ChannelDeliveryJob,
  ChannelJobName,
  ItsmUpdateJob,
  MaintenanceJob,
  MaintenanceJobName,
  NotificationJob,
  NotificationJobName,
  PublishJob,
} from './job-payloads';
import { QueueName } from './queue-names';

/**
 * One queue's contract: its job options (at run time) and its payload and job names (for the
 * type checker only). The producer's `add` and the processor's `handle` both read their types
 * from here, so they cannot disagree.
 */
export interface QueueSpec<P, N extends string> {
  options: JobsOptions;
  /** Never set: carries the payload and job-name types. */
  readonly types?: { payload: P; name: N };
}

const queue = <P, N extends string>(options: JobsOptions): QueueSpec<P, N> => ({ options });

/** The record class each publish queue's jobs carry. */
export interface PublishRecords {
  [QueueName.Events]: EventRecord;
  [QueueName.Metrics]: MetricRecord;
  [QueueName.EntityTopology]: EntityRecord;
  [QueueName.ServiceTopology]: ServiceRecord;
  [QueueName.Healthcheck]: HeartbeatRecord;
}
/** The five queues of the publish routes (see publish-topics.ts). */
export type PublishQueue = keyof PublishRecords;
export type RecordOf<Q extends PublishQueue> = PublishRecords[Q];
/**
 * A publish queue's payload. Written as a mapped type indexed by Q so that code generic in Q (the
 * gateway's PublishService) sees `PublishJob<RecordOf<Q>>` and needs no cast.
 */
export type PublishJobOf<Q extends PublishQueue> = { [P in Q]: PublishJob<PublishRecords[P]> }[Q];
/** A publish queue: one job per request, named after the queue. */
const publishQueue = <Q extends PublishQueue>() => queue<PublishJobOf<Q>, Q>(DEFAULT_JOB_OPTIONS);

/** Every queue: name → payload, job names, job options. */
export const QUEUES = {
  [QueueName.Events]: publishQueue<QueueName.Events>(),
  [QueueName.Metrics]: publishQueue<QueueName.Metrics>(),
  [QueueName.EntityTopology]: publishQueue<QueueName.EntityTopology>(),
  [QueueName.ServiceTopology]: publishQueue<QueueName.ServiceTopology>(),
  [QueueName.Healthcheck]: publishQueue<QueueName.Healthcheck>(),
  [QueueName.ItsmUpdates]: queue<ItsmUpdateJob, QueueName.ItsmUpdates>(DEFAULT_JOB_OPTIONS),
  [QueueName.Notifications]: queue<NotificationJob, NotificationJobName>(NOTIFICATION_JOB_OPTIONS),
  [QueueName.ChannelDeliveries]: queue<ChannelDeliveryJob, ChannelJobName>(CHANNEL_JOB_OPTIONS),
  [QueueName.Maintenance]: queue<MaintenanceJob, MaintenanceJobName>(MAINTENANCE_JOB_OPTIONS),
  [QueueName.AlertActions]: queue<AlertActionJob, QueueName.AlertActions>(ALERT_ACTION_JOB_OPTIONS),
} as const satisfies { [Q in QueueName]: QueueSpec<unknown, string> };

type Types<Q extends QueueName> = NonNullable<(typeof QUEUES)[Q]['types']>;
/** The payload of a queue's jobs. */
export type JobOf<Q extends QueueName> = Types<Q>['payload'];
/** The names a queue's jobs may have. */
export type JobNameOf<Q extends QueueName> = Types<Q>['name'];
/** A job of queue Q as its processor receives it. */
export type QueueJob<Q extends QueueName> = Job<JobOf<Q>, unknown, JobNameOf<Q>>;

/** What the gateway enqueues: publish requests and inbound ticket updates. */
export type GatewayQueue = PublishQueue | QueueName.ItsmUpdates;

/**
 * Start-up check of a worker (as Immich's "no missing handlers"): every queue has exactly one
 * processor. `processors` lists each processor class's name with the queue it states.
 */
export function assertOneProcessorPerQueue(processors: ReadonlyArray<{ queue: string; name: string }>): void {
  const problems: string[] = [];
  // As plain strings: a processor states its queue as one, and may state one QUEUES lacks.
  const queueNames: string[] = Object.values(QueueName);
  for (const name of queueNames) {
    const own = processors.filter((p) => p.queue === name).map((p) => p.name);
    if (own.length === 0) problems.push(`queue "${name}" has no processor`);
    if (own.length > 1) problems.push(`queue "${name}" has ${own.length} processors (${own.join(', ')})`);
  }
  const known = new Set(queueNames);
  for (const p of processors) {
    if (!known.has(p.queue)) problems.push(`${p.name} consumes "${p.queue}", which is not in QUEUES`);
  }
  if (problems.length > 0) throw new Error(`worker cannot start: ${problems.join('; ')}`);
}
