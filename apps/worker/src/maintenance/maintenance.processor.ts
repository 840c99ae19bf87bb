import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { QueueName } from '@sluice/queue';
import type { Job, Queue } from 'bullmq';
import { Retention } from './retention.service';
import { StaleAdapters } from './stale-adapters.service';

export const STALE_ADAPTERS_JOB = 'stale-adapters';
export const RETENTION_JOB = 'retention';

/**
 * Scheduled upkeep as BullMQ job schedulers: Redis holds one schedule per job however many
 * workers run, and each run is taken by exactly one of them (not a timer in every process).
 */
@Processor(QueueName.Maintenance)
export class MaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
    private readonly stale: StaleAdapters,
    private readonly retention: Retention,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.maintenanceIntervalSeconds * 1000;
    const retentionEvery = Math.max(every, 3_600_000);
    const opts = { removeOnComplete: true, removeOnFail: { count: 100 } };
    // The first run comes one interval after start rather than at once: a restart (or several
    // workers starting together) does not trigger a burst of checks.
    const now = Date.now();
    await this.queue.upsertJobScheduler(STALE_ADAPTERS_JOB, { every, startDate: now + every }, { name: STALE_ADAPTERS_JOB, opts });
    await this.queue.upsertJobScheduler(RETENTION_JOB, { every: retentionEvery, startDate: now + retentionEvery }, { name: RETENTION_JOB, opts });
  }

  async process(job: Job): Promise<unknown> {
    if (job.name === STALE_ADAPTERS_JOB) return { stale: await this.stale.mark() };
    if (job.name === RETENTION_JOB) return this.retention.run();
    return undefined;
  }
}
