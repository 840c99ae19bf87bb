import type { Job } from 'bullmq';
import { Counter, Histogram } from 'prom-client';

import { PUBLISH_TOPICS } from '@sluice/queue';

import type { JobOutcome } from '../jobs/job-runner';

const jobs = new Counter({
  name: 'sluice_jobs_total',
  help: 'Jobs run, by queue and outcome (completed, failed-retry, failed-permanent, released)',
  labelNames: ['queue', 'outcome'],
});

const duration = new Histogram({
  name: 'sluice_job_duration_seconds',
  help: 'How long a job ran, by queue',
  labelNames: ['queue'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

const lag = new Histogram({
  name: 'sluice_ingest_lag_seconds',
  help: "From a publish request's arrival at the gateway to its records' commit in PostgreSQL",
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
});

const PUBLISH_QUEUES = new Set<string>(Object.values(PUBLISH_TOPICS).map((t) => t.queue));

/** A publish job's requests: one, or those the gateway's group commit put together. */
type PublishPayload = { receivedAt?: string; requests?: { receivedAt: string }[] };

/** Spec §10: the job runner's figures — every job's outcome and duration, and ingest lag. */
export const JobMetrics = {
  observe(job: Job, startedMs: number, outcome: JobOutcome, nowMs: number): void {
    jobs.inc({ queue: job.queueName, outcome });
    duration.observe({ queue: job.queueName }, (nowMs - startedMs) / 1000);
    if (outcome !== 'completed' || !PUBLISH_QUEUES.has(job.queueName)) return;
    const data = job.data as PublishPayload;
    const arrivals = data.requests?.map((r) => r.receivedAt) ?? (data.receivedAt ? [data.receivedAt] : []);
    const committed = Date.now();
    for (const at of arrivals) lag.observe(Math.max(0, committed - Date.parse(at)) / 1000);
  },
};
