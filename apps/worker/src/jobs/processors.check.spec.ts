import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';

import { QueueName } from '@sluice/queue';

import { JobRunner } from './job-runner';
import { ProcessorsCheck } from './processors.check';
import { QueueProcessor } from './queue-processor';

function processorOf(queue: QueueName, name = `${queue}Processor`) {
  @Injectable()
  class Fake extends QueueProcessor(queue) {
    protected handle(): Promise<unknown> {
      return Promise.resolve();
    }
  }
  Object.defineProperty(Fake, 'name', { value: name });
  return Fake;
}

/** A worker's module without Redis: its processors, the runner (unused here) and the check. */
const start = (processors: (new (...args: never[]) => unknown)[]) =>
  Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [ProcessorsCheck, { provide: JobRunner, useValue: {} }, ...processors],
  }).compile();

const all = () => Object.values(QueueName).map((queue) => processorOf(queue));

describe('ProcessorsCheck (start-up)', () => {
  it('starts with one processor per queue', async () => {
    const app = await start(all());
    expect(app.get(ProcessorsCheck)).toBeInstanceOf(ProcessorsCheck);
    await app.close();
  });

  it('refuses to start when a queue has no processor', async () => {
    const withoutMaintenance = Object.values(QueueName)
      .filter((q) => q !== QueueName.Maintenance)
      .map((queue) => processorOf(queue));
    await expect(start(withoutMaintenance)).rejects.toThrow(
      'worker cannot start: queue "maintenance" has no processor',
    );
  });

  it('refuses to start when a queue has two processors', async () => {
    await expect(start([...all(), processorOf(QueueName.Events, 'OtherEvents')])).rejects.toThrow(
      'queue "events" has 2 processors (eventsProcessor, OtherEvents)',
    );
  });

  it('refuses a processor that bypasses the job runner', async () => {
    @Processor(QueueName.Events)
    class Plain extends WorkerHost {
      process(): Promise<unknown> {
        return Promise.resolve();
      }
    }
    const others = Object.values(QueueName)
      .filter((q) => q !== QueueName.Events)
      .map((queue) => processorOf(queue));
    await expect(start([...others, Plain])).rejects.toThrow('Plain does not extend QueueProcessor (the job runner)');
  });
});
