import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import { Errors } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import type { ChannelTestOutcome } from '@sluice/contracts';
import { CHANNEL_TEST_JOB_OPTIONS, ChannelJobName, QueueName, QueueOf, Queues } from '@sluice/queue';

import { jobOutcome } from '../queue/job-outcome';

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
    const outcome = await jobOutcome<ChannelTestOutcome>(this.queue, job.id!, this.config.channelTestWaitMs);
    if ('done' in outcome) return outcome.done;
    if ('failed' in outcome)
      return { status: 'FAILED', responseCode: null, error: outcome.failed, idempotencyKey: null };
    return { status: 'PENDING', responseCode: null, error: null, idempotencyKey: null };
  }
}
