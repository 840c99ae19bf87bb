import { Injectable } from '@nestjs/common';
import { Gauge, register } from 'prom-client';

import { within } from '@sluice/common';

import { ALL_QUEUES } from './queue-names';
import { Queues } from './queues.provider';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;
/** A scrape never waits longer than this for Redis (the worker's connection queues commands while it is down). */
const READ_TIMEOUT_MS = 1000;

/**
 * Spec §10, `sluice_queue_jobs{queue,state}`: every queue's jobs by state, read from Redis when
 * Prometheus scrapes (one call per queue). Every process reads the same figures, so a gateway
 * cluster reports their maximum, not their sum. While Redis is unreachable, or slower than a
 * second, the gauge is left empty for that scrape rather than failing or holding it.
 */
@Injectable()
export class QueueMetrics {
  constructor(queues: Queues) {
    register.removeSingleMetric('sluice_queue_jobs');
    new Gauge({
      name: 'sluice_queue_jobs',
      help: 'Jobs in each queue by state (waiting, active, delayed, prioritized, failed)',
      labelNames: ['queue', 'state'],
      aggregator: 'max',
      async collect() {
        this.reset();
        if (queues.connection.status !== 'ready') return; // Redis unreachable: the health endpoints say why
        const read = Promise.all(ALL_QUEUES.map((name) => queues.get(name).getJobCounts(...STATES)));
        const counts = await within(read, READ_TIMEOUT_MS);
        if (!counts) return;
        ALL_QUEUES.forEach((queue, i) => {
          for (const state of STATES) this.set({ queue, state }, counts[i][state] ?? 0);
        });
      },
    });
  }
}
