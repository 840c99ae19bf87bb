import { WorkerHost } from '@nestjs/bullmq';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleInit,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { DatabaseReachability } from '@sluice/database';
import { ALL_QUEUES, Queues } from '@sluice/queue';

/**
 * The worker's connections over its life. It starts whether or not PostgreSQL and Redis answer:
 * their OutageLogs say what is unreachable, jobs wait for it, and "worker ready" is logged once
 * both answer. At shutdown the queue workers close first (their jobs finish, or go back to the
 * queue), while PostgreSQL and Redis are still open; DatabaseModule closes PostgreSQL last, and
 * `Queues` its Redis connection (the one pinged here).
 */
@Injectable()
export class ConnectionsCheck implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private stopping = false;

  constructor(
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
    private readonly database: DatabaseReachability,
    private readonly discovery: DiscoveryService,
    private readonly pino: PinoLogger,
    private readonly queues: Queues,
  ) {}

  onModuleInit(): void {
    // Start-up can wait for Redis (a job scheduler is registered in a bootstrap hook), and main.ts
    // switches to the JSON logger only once start-up is done: switch now, so that a worker that
    // waits says so while it waits rather than afterwards.
    Logger.overrideLogger(this.pino);
    Logger.flush();
  }

  onApplicationBootstrap(): void {
    void this.announceReady();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const workers = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost);
    await Promise.all(workers.map((host) => host.worker.close()));
  }

  private async announceReady(): Promise<void> {
    try {
      await Promise.all([this.database.whenReachable(), this.queues.connection.ping()]);
    } catch {
      return; // stopped before both answered
    }
    if (this.stopping) return;
    this.logger.log(`worker ready (postgres and redis connected, queue prefix ${this.config.queuePrefix})`);
    await this.warnOfJobsUnderOldPrefix().catch(() => undefined);
  }

  /**
   * Before QUEUE_PREFIX, BullMQ's keys were under REDIS_PREFIX without braces: jobs accepted by an
   * earlier version and still queued there are seen by no worker of this one. Said at every start
   * while there are any, with what to do.
   */
  private async warnOfJobsUnderOldPrefix(): Promise<void> {
    const old = this.config.redisPrefix;
    if (this.config.queuePrefix === old) return;
    const redis = this.queues.connection;
    const counts = await Promise.all(
      ALL_QUEUES.map(async (q) => {
        const [wait, active, delayed, prioritized] = await Promise.all([
          redis.llen(`${old}:${q}:wait`),
          redis.llen(`${old}:${q}:active`),
          redis.zcard(`${old}:${q}:delayed`),
          redis.zcard(`${old}:${q}:prioritized`),
        ]);
        return wait + active + delayed + prioritized;
      }),
    );
    const jobs = counts.reduce((a, b) => a + b, 0);
    if (jobs === 0) return;
    this.logger.error(
      `${jobs} jobs of an earlier version are queued under the key prefix "${old}", which this worker ` +
        `(queue prefix ${this.config.queuePrefix}) does not read: run one worker with QUEUE_PREFIX=${old} ` +
        'until they are done, then restart it without (CHANGELOG, upgrading)',
    );
  }
}
