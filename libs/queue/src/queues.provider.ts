import type { OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';

import type { QueueName } from './queue-names';
import type { JobNameOf, JobOf } from './queue-registry';
import { QUEUES } from './queue-registry';
import { reportRedisErrors } from './redis-connection';

/** A queue whose `add` takes only its own payload and job names. */
export type QueueOf<Q extends QueueName> = Queue<JobOf<Q>, unknown, JobNameOf<Q>>;

/**
 * The one place a process gets its BullMQ queues for adding jobs: one Redis connection, shared by
 * every queue; each queue made once (on first use) with its job options from QUEUES, so a caller
 * adds only what differs (a job id, a delay). It closes them after the process's last request or
 * job (Nest's application-shutdown hook). Workers, which consume, keep their own connections.
 */
export class Queues implements OnApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    /** Shared by the queues; also what readiness checks ping. */
    readonly connection: Redis,
    private readonly prefix: string,
    private readonly url: string,
  ) {}

  get<Q extends QueueName>(name: Q): QueueOf<Q> {
    let queue = this.queues.get(name);
    if (!queue) {
      const opts = { connection: this.connection, prefix: this.prefix, defaultJobOptions: QUEUES[name].options };
      queue = reportRedisErrors(new Queue(name, opts), this.url);
      this.queues.set(name, queue);
    }
    return queue as QueueOf<Q>;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}
