import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AggregatorRegistry, collectDefaultMetrics, register } from 'prom-client';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';

/** Each process's own METRICS_PORT default: a gateway and a worker on one host do not collide. */
export const DEFAULT_METRICS_PORTS = { gateway: 9464, worker: 9465 } as const;
export type MetricsApp = keyof typeof DEFAULT_METRICS_PORTS;

/** What the endpoint answers: the process's registry, or a cluster primary's aggregate. */
export interface MetricsSource {
  contentType: string;
  metrics(): Promise<string>;
}

/**
 * Serves `GET /metrics` in Prometheus' text format on a port of its own (METRICS_PORT, on
 * METRICS_HOST): never the API port, so that the API's authentication and rate limits are not in
 * a scraper's way and the figures are not on the public listener. Anything else is a 404.
 */
export async function startMetricsServer(port: number, host: string, source: MetricsSource): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics here\n');
      return;
    }
    source.metrics().then(
      (text) => res.writeHead(200, { 'content-type': source.contentType }).end(req.method === 'HEAD' ? '' : text),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/**
 * In a gateway cluster's process: answer the primary's requests for this process's figures
 * (prom-client listens once an AggregatorRegistry exists). Called first thing in main.ts, so that
 * a process still starting does not hold the primary's scrape until it times out.
 */
export function answerClusterPrimary(): void {
  if (cluster.isWorker) new AggregatorRegistry();
}

let defaultsCollected = false;
/** prom-client's process figures (CPU, memory, event loop lag, GC), once per process. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics();
}

/**
 * The process's Prometheus endpoint (spec §10), started with the application and closed after
 * it. A process of a gateway cluster (GATEWAY_PROCESSES > 1) serves none: the cluster's primary
 * answers for all of them (apps/gateway/src/cluster.ts).
 */
@Injectable()
export class MetricsEndpoint implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
    @Inject('METRICS_APP') private readonly app: MetricsApp,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    collectProcessMetrics();
    if (cluster.isWorker) return; // the primary answers (answerClusterPrimary, from main.ts)
    const port = this.config.metrics.port ?? DEFAULT_METRICS_PORTS[this.app];
    if (port === 0) return;
    const { host } = this.config.metrics;
    try {
      this.server = await startMetricsServer(port, host, register);
      this.logger.log(`Prometheus metrics on http://${host}:${port}/metrics`);
    } catch (err) {
      // The API and the work matter more than the figures: a taken port is said, not fatal.
      this.logger.error(`metrics endpoint not started on ${host}:${port}: ${(err as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }
}
