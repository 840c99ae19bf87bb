import { WorkerHost } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

import { assertOneProcessorPerQueue } from '@sluice/queue';

import { JobProcessor } from './queue-processor';

type ProcessorClass = { name: string; prototype: unknown; queue?: string };

/**
 * Refuses to start a worker whose queues and processors do not match one to one (every queue of
 * QUEUES, one processor each), or with a processor that bypasses the JobRunner. It runs while
 * Nest creates the providers, before any BullMQ worker connects.
 */
@Injectable()
export class ProcessorsCheck {
  constructor(discovery: DiscoveryService) {
    const processors: { queue: string; name: string }[] = [];
    for (const wrapper of discovery.getProviders()) {
      const type = wrapper.metatype as ProcessorClass | null | undefined;
      if (!type?.prototype || !(type.prototype instanceof WorkerHost)) continue;
      if (!(type.prototype instanceof JobProcessor) || type.queue === undefined) {
        throw new Error(`worker cannot start: ${type.name} does not extend QueueProcessor (the job runner)`);
      }
      processors.push({ queue: type.queue, name: type.name });
    }
    assertOneProcessorPerQueue(processors);
  }
}
