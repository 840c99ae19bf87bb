import { DynamicModule, Module } from '@nestjs/common';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';

import { QueueMetrics } from './queue-metrics';
import { Queues } from './queues.provider';
import { producerConnection, workerConnection } from './redis-connection';

/**
 * Provides the process's `Queues`. `fail-fast` (the gateway): an add fails at once while Redis is
 * unreachable, so a request answers 503. `wait` (the worker): an add waits for Redis, so that a
 * job that queues follow-up work (a notification) neither fails nor loses it in an outage.
 */
@Module({})
export class QueuesModule {
  static forRoot(connection: 'fail-fast' | 'wait'): DynamicModule {
    const connect = connection === 'fail-fast' ? producerConnection : workerConnection;
    return {
      module: QueuesModule,
      global: true,
      providers: [
        {
          provide: Queues,
          inject: [SLUICE_CONFIG],
          useFactory: ({ redisUrl, queuePrefix }: SluiceConfig) => new Queues(connect(redisUrl), queuePrefix, redisUrl),
        },
        QueueMetrics,
      ],
      exports: [Queues],
    };
  }
}
