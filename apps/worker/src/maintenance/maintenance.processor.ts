import { Inject, Injectable } from '@nestjs/common';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { MaintenanceJobName, QueueJob, QueueName, Queues } from '@sluice/queue';

import { QueueProcessor } from '../jobs/queue-processor';
import { Retention } from './retention.service';
import { StaleAdapters } from './stale-adapters.service';

/**
 * Scheduled upkeep as BullMQ job schedulers: Redis holds one schedule per job however many
 * workers run, and each run is taken by exactly one of them (not a timer in every process).
 */
@Injectable()
export class MaintenanceProcessor extends QueueProcessor(QueueName.Maintenance) {
  // One upkeep job at a time: a retention run that outlasts its interval is not joined by a second.
  protected readonly concurrency = 1;
  private readonly jobs: Record<MaintenanceJobName, () => Promise<unknown>>;

  constructor(
    private readonly queues: Queues,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
    stale: StaleAdapters,
    retention: Retention,
  ) {
    super();
    this.jobs = {
      [MaintenanceJobName.StaleAdapters]: async () => ({ stale: await stale.mark() }),
      [MaintenanceJobName.Retention]: () => retention.run(),
    };
  }

  protected async bootstrap(): Promise<void> {
    const queue = this.queues.get(QueueName.Maintenance);
    const every = this.config.maintenanceIntervalSeconds * 1000;
    const retentionEvery = Math.max(every, 3_600_000);
    // The first run comes one interval after start rather than at once: a restart (or several
    // workers starting together) does not trigger a burst of checks. Job options: QUEUES.
    const now = Date.now();
    const schedule = (name: MaintenanceJobName, ms: number) =>
      queue.upsertJobScheduler(name, { every: ms, startDate: now + ms }, { name });
    await schedule(MaintenanceJobName.StaleAdapters, every);
    await schedule(MaintenanceJobName.Retention, retentionEvery);
  }

  protected handle(job: QueueJob<QueueName.Maintenance>): Promise<unknown> {
    const run = this.jobs[job.name] as (() => Promise<unknown>) | undefined;
    return run ? run() : Promise.resolve(undefined); // a name this release does not schedule
  }
}
