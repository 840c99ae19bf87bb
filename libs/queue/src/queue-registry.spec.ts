import { EventRecord, HeartbeatRecord, MetricRecord } from '@sluice/contracts';

import { DEFAULT_JOB_OPTIONS, NOTIFICATION_JOB_OPTIONS } from './job-options';
import { MaintenanceJobName, NotificationJobName } from './job-payloads';
import { PUBLISH_TOPICS } from './publish-topics';
import { QueueName } from './queue-names';
import type { JobNameOf, JobOf } from './queue-registry';
import { assertOneProcessorPerQueue, QUEUES } from './queue-registry';

const every = Object.values(QueueName).map((queue) => ({ queue, name: `${queue}-processor` }));

describe('queue registry', () => {
  it('has every queue, with the job options the queues had before the registry', () => {
    expect(Object.keys(QUEUES).sort()).toEqual(Object.values(QueueName).sort());
    expect(QUEUES[QueueName.Events].options).toBe(DEFAULT_JOB_OPTIONS);
    expect(QUEUES[QueueName.ItsmUpdates].options).toBe(DEFAULT_JOB_OPTIONS);
    expect(QUEUES[QueueName.Notifications].options).toBe(NOTIFICATION_JOB_OPTIONS);
    // Scheduled upkeep: the queue defaults of before, under the scheduler's own removal rules.
    const maintenance = { ...DEFAULT_JOB_OPTIONS, removeOnComplete: true, removeOnFail: { count: 100 } };
    expect(QUEUES[QueueName.Maintenance].options).toEqual(maintenance);
  });

  it('maps each publish route to its queue and record class', () => {
    expect(PUBLISH_TOPICS.allevents).toEqual({ queue: QueueName.Events, record: EventRecord });
    expect(PUBLISH_TOPICS.metrics).toEqual({ queue: QueueName.Metrics, record: MetricRecord });
    expect(PUBLISH_TOPICS.healthcheck).toEqual({ queue: QueueName.Healthcheck, record: HeartbeatRecord });
    expect(Object.keys(PUBLISH_TOPICS)).toEqual(['allevents', 'metrics', 'entity', 'service', 'healthcheck']);
  });

  it('types payloads and job names per queue (checked by the type checker)', () => {
    const metric: MetricRecord = { envcustomerid: 'c', entityid: 'e', parametername: 'p', value: 1 } as MetricRecord;
    const base = { requestId: 'r', receivedAt: 't', userId: 'u' };
    const events = (payload: JobOf<QueueName.Events>) => payload.records.length;
    // @ts-expect-error a metric sample is no event
    events({ ...base, records: [metric] });
    const metrics: JobOf<QueueName.Metrics> = { ...base, records: [metric] };
    const names: JobNameOf<QueueName.Maintenance>[] = [MaintenanceJobName.StaleAdapters, MaintenanceJobName.Retention];
    // @ts-expect-error maintenance has no job of that name
    const wrong: JobNameOf<QueueName.Maintenance> = 'cleanup';
    const open: JobOf<QueueName.Notifications> = {
      action: NotificationJobName.Open,
      alertId: 'a',
      customerId: 'c',
      count: 0,
    };
    expect([metrics.records.length, names, wrong, open.action]).toEqual([
      1,
      ['stale-adapters', 'retention'],
      'cleanup',
      'open',
    ]);
  });
});

describe('assertOneProcessorPerQueue', () => {
  it('accepts one processor for every queue', () => {
    expect(() => assertOneProcessorPerQueue(every)).not.toThrow();
  });

  it('names a queue without a processor', () => {
    const missing = every.filter((p) => p.queue !== QueueName.Maintenance);
    expect(() => assertOneProcessorPerQueue(missing)).toThrow(
      'worker cannot start: queue "maintenance" has no processor',
    );
  });

  it('names a queue with two processors, and a processor of an unknown queue', () => {
    const twice = [...every, { queue: QueueName.Events, name: 'SecondEvents' }, { queue: 'nope', name: 'Stray' }];
    expect(() => assertOneProcessorPerQueue(twice)).toThrow(
      'queue "events" has 2 processors (events-processor, SecondEvents); Stray consumes "nope", which is not in QUEUES',
    );
  });
});
