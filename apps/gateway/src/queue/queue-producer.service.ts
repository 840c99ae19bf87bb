import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { ReplyError } from 'ioredis';

import { Errors } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { MAX_BATCH_RECORDS } from '@sluice/contracts';
import { isConnectionError } from '@sluice/database';
import {
  GatewayQueue,
  JobOf,
  PUBLISH_TOPICS,
  PublishJob,
  PublishJobOf,
  PublishQueue,
  QueueName,
  QueueOf,
  Queues,
} from '@sluice/queue';

import { PublishCoalescer } from './publish-coalescer';

const BACKLOG_SAMPLE_MS = 1000;

/**
 * Puts accepted requests on their topic's queue: the requests of one queue that arrive together
 * share a job (PublishCoalescer), the first request's id its id.
 * Resolves only once Redis acknowledged the job; answers 503 at once when Redis is unreachable
 * (the connection has no offline queue), when it does not answer in QUEUE_ADD_TIMEOUT_MS, or
 * when a queue's backlog is over QUEUE_MAX_BACKLOG jobs or Redis's memory over QUEUE_MAX_MEMORY_MB
 * (both sampled once a second, not per request).
 * Its queues and connection are the process's `Queues`, closed in `onApplicationShutdown`, which
 * Nest runs after the HTTP server has answered every request it received: a request in flight at
 * SIGTERM still gets its job queued.
 */
@Injectable()
export class QueueProducer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(QueueProducer.name);
  private readonly connection: Redis;
  private readonly queues = new Map<GatewayQueue, QueueOf<GatewayQueue>>();
  private readonly coalescers = new Map<GatewayQueue, PublishCoalescer<unknown>>();
  private readonly overBacklog = new Set<GatewayQueue>();
  /** Redis's memory is over QUEUE_MAX_MEMORY_MB (sampled with the backlogs). */
  private overMemory = false;
  private sampler?: NodeJS.Timeout;

  constructor(
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
    queues: Queues,
  ) {
    this.connection = queues.connection;
    const produced: GatewayQueue[] = [...Object.values(PUBLISH_TOPICS).map((t) => t.queue), QueueName.ItsmUpdates];
    for (const queue of produced) this.queues.set(queue, queues.get(queue));
    for (const { queue } of Object.values(PUBLISH_TOPICS)) {
      const add = (job: PublishJob<unknown>) => this.add(queue, job as JobOf<GatewayQueue>);
      this.coalescers.set(queue, new PublishCoalescer(add, config.queue.coalesceMs, MAX_BATCH_RECORDS));
    }
  }

  async onModuleInit(): Promise<void> {
    this.sampler = setInterval(() => void this.sampleBacklog(), BACKLOG_SAMPLE_MS);
    this.sampler.unref();
    // Give Redis a moment at start-up; if it is down, the gateway still starts and answers 503.
    if (this.connection.status !== 'ready') {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, 2000);
        this.connection.once('ready', done);
      });
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.sampler);
  }

  /**
   * Queues a request's payload as a job of its queue (the queue's job options from QUEUES). The
   * publish queues' requests go through their PublishCoalescer: those that arrive together share
   * one job and one Redis call. Refused at once (503) while Redis is unreachable or the queue or
   * Redis's memory is over its bound.
   */
  enqueue<Q extends PublishQueue>(queue: Q, payload: PublishJobOf<Q>): Promise<void>;
  enqueue<Q extends GatewayQueue>(queue: Q, payload: JobOf<Q>): Promise<void>;
  enqueue(queue: GatewayQueue, payload: JobOf<GatewayQueue>): Promise<void> {
    if (this.overBacklog.has(queue) || this.overMemory || this.connection.status !== 'ready')
      return Promise.reject(Errors.unavailable(this.config.queue.retryAfterSeconds));
    const coalescer = this.coalescers.get(queue);
    if (coalescer) return coalescer.submit(payload as PublishJob<unknown>);
    return this.add(queue, payload);
  }

  /** One job, named after its queue, the request id its id; 503 for Redis trouble or slowness. */
  private async add(queue: GatewayQueue, payload: JobOf<GatewayQueue>): Promise<void> {
    const { retryAfterSeconds, addTimeoutMs } = this.config.queue;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AddTimeout(`queue.add took over ${addTimeoutMs} ms`)), addTimeoutMs);
    });
    try {
      await Promise.race([this.queues.get(queue)!.add(queue, payload, { jobId: payload.requestId }), timeout]);
    } catch (err) {
      // Only Redis trouble is "retry later"; anything else is a bug of Sluice's and answers 500, so
      // that a client is never told to retry what can never succeed.
      if (!(err instanceof AddTimeout || err instanceof ReplyError || isConnectionError(err))) throw err;
      // A lost connection is reported once per outage by the connection's listener.
      if (!isConnectionError(err)) this.logger.warn(`enqueue on ${queue} failed: ${(err as Error).message}`);
      throw Errors.unavailable(retryAfterSeconds);
    } finally {
      clearTimeout(timer);
    }
  }

  /** For readiness checks. */
  ping(): Promise<string> {
    return this.connection.ping();
  }

  private async sampleBacklog(): Promise<void> {
    if (this.connection.status !== 'ready') return;
    const { maxMemoryBytes } = this.config.queue;
    if (maxMemoryBytes > 0) {
      try {
        const used = /used_memory:(\d+)/.exec(await this.connection.info('memory'))?.[1];
        this.overMemory = used !== undefined && Number(used) > maxMemoryBytes;
      } catch {
        // Redis went away between the status check and the call; the next sample retries.
      }
    }
    for (const [name, queue] of this.queues) {
      try {
        const waiting = await queue.getJobCountByTypes('wait', 'prioritized', 'delayed');
        if (waiting > this.config.queue.maxBacklog) this.overBacklog.add(name);
        else this.overBacklog.delete(name);
      } catch {
        // Redis went away between the status check and the call; the next sample retries.
      }
    }
  }
}

class AddTimeout extends Error {}
