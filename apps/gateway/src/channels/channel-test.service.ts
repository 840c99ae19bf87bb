import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { Inject, Injectable } from '@nestjs/common';

import { Errors } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import type { ChannelTestOutcome } from '@sluice/contracts';
import { CHANNEL_TEST_JOB_OPTIONS, ChannelJobName, QueueName, QueueOf, Queues } from '@sluice/queue';

const POLL_MS = 50;

/**
 * `POST …/integrations/{TYPE}/test`: the gateway makes no outbound call itself (a tenant's URL is
 * reached from the worker only, behind its network guard); it queues a test job, which the worker
 * delivers at once and records like any delivery, and answers the job's outcome. A worker that has
 * not finished within CHANNEL_TEST_WAIT_MS gets a PENDING answer; the outcome then shows in
 * `…/deliveries`.
 */
@Injectable()
export class ChannelTestService {
  private readonly queue: QueueOf<QueueName.ChannelDeliveries>;

  constructor(
    private readonly queues: Queues,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
  ) {
    this.queue = queues.get(QueueName.ChannelDeliveries);
  }

  async run(customerId: string, integrationId: string): Promise<ChannelTestOutcome> {
    if (this.queues.connection.status !== 'ready') throw Errors.unavailable(this.config.queue.retryAfterSeconds);
    const job = await this.queue.add(
      ChannelJobName.Test,
      { kind: 'test', integrationId, customerId },
      { ...CHANNEL_TEST_JOB_OPTIONS, jobId: `test-${randomUUID()}` },
    );
    const deadline = Date.now() + this.config.channelTestWaitMs;
    while (Date.now() < deadline) {
      await sleep(POLL_MS);
      const state = await job.getState();
      if (state === 'completed') {
        const done = await this.queue.getJob(job.id!);
        if (done?.returnvalue) return done.returnvalue as ChannelTestOutcome;
      }
      if (state === 'failed') {
        const failed = await this.queue.getJob(job.id!);
        return { status: 'FAILED', responseCode: null, error: failed?.failedReason ?? 'failed', idempotencyKey: null };
      }
    }
    return { status: 'PENDING', responseCode: null, error: null, idempotencyKey: null };
  }
}
