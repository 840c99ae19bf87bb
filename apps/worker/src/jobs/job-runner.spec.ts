import type { Job, Worker } from 'bullmq';
import { DelayedError, UnrecoverableError } from 'bullmq';

import type { SluiceConfig } from '@sluice/config';
import type { DatabaseReachability } from '@sluice/database';

import type { JobLogger } from './job-runner';
import { JobRunner } from './job-runner';

type Level = 'info' | 'warn' | 'error';

function fakeLogger(enabled = true) {
  const lines: { level: Level; fields: Record<string, unknown>; msg: string }[] = [];
  const at = (level: Level) => (fields: Record<string, unknown>, msg: string) => lines.push({ level, fields, msg });
  const logger = { isLevelEnabled: () => enabled, info: at('info'), warn: at('warn'), error: at('error') };
  return { logger: logger as unknown as JobLogger, lines };
}

function fakeJob(data: unknown, attemptsMade = 0, attempts = 8) {
  const moved: number[] = [];
  const job = {
    queueName: 'events',
    id: 'job-1',
    name: 'events',
    data,
    attemptsMade,
    opts: { attempts },
    moveToDelayed: async (at: number) => void moved.push(at),
  };
  return { job: job as unknown as Job, moved };
}

function setup(opts: { enabled?: boolean; closing?: boolean } = {}) {
  const { logger, lines } = fakeLogger(opts.enabled);
  const config = { workerConcurrency: 7 } as SluiceConfig;
  const database = { whenReachable: () => Promise.resolve() } as unknown as DatabaseReachability;
  const worker = { concurrency: 1, closing: opts.closing ? Promise.resolve() : undefined, once: () => undefined };
  return { runner: new JobRunner(config, database, logger), lines, worker: worker as unknown as Worker };
}

const outage = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('JobRunner', () => {
  it('sets the worker concurrency from the configuration', () => {
    const { runner, worker } = setup();
    runner.configure(worker);
    expect(worker.concurrency).toBe(7);
  });

  it('takes the concurrency a queue sets over the configured one', () => {
    const { runner, worker } = setup();
    runner.configure(worker, 1);
    expect(worker.concurrency).toBe(1);
  });

  it('logs one line per completed job: queue, job id and name, request id, attempt, duration, outcome', async () => {
    const { runner, lines, worker } = setup();
    const { job } = fakeJob({ requestId: 'req-1', records: [] }, 2);
    await expect(runner.run(worker, job, 'tok', async () => ({ stored: 1 }))).resolves.toEqual({ stored: 1 });
    expect(lines).toHaveLength(1);
    expect(lines[0].level).toBe('info');
    expect(lines[0].msg).toBe('job completed');
    expect(lines[0].fields).toMatchObject({ queue: 'events', jobId: 'job-1', jobName: 'events', requestId: 'req-1' });
    expect(lines[0].fields.attempt).toBe(3);
    expect(lines[0].fields).toMatchObject({ outcome: 'completed', error: undefined });
    expect(typeof lines[0].fields.ms).toBe('number');
  });

  it('leaves the request id out for jobs without one (scheduled upkeep)', async () => {
    const { runner, lines, worker } = setup();
    await runner.run(worker, fakeJob({}).job, undefined, async () => undefined);
    expect(lines[0].fields.requestId).toBeUndefined();
  });

  it('a failure with attempts left: failed-retry at warn, the error rethrown as it was', async () => {
    const { runner, lines, worker } = setup();
    const failedForGood = jest.fn(async () => undefined);
    const err = new Error('deadlock detected');
    const run = runner.run(worker, fakeJob({}, 0).job, undefined, () => Promise.reject(err), failedForGood);
    await expect(run).rejects.toBe(err);
    const logged = lines.map((l) => [l.level, l.fields.outcome, l.fields.error]);
    expect(logged).toEqual([['warn', 'failed-retry', 'deadlock detected']]);
    expect(failedForGood).not.toHaveBeenCalled();
  });

  it('the last attempt, or data no retry can store: failed-permanent at error, failedForGood called', async () => {
    const { runner, lines, worker } = setup();
    const failedForGood = jest.fn(async () => undefined);
    const last = runner.run(worker, fakeJob({}, 7).job, undefined, () => Promise.reject(new Error('x')), failedForGood);
    await expect(last).rejects.toThrow('x');
    const tooLong = Object.assign(new Error('value too long'), { code: '22001' });
    const run = runner.run(worker, fakeJob({}, 0).job, undefined, () => Promise.reject(tooLong), failedForGood);
    await expect(run).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(run).rejects.toThrow('cannot be stored (SQLSTATE 22001): value too long');
    expect(lines.map((l) => [l.level, l.fields.outcome])).toEqual([
      ['error', 'failed-permanent'],
      ['error', 'failed-permanent'],
    ]);
    expect(failedForGood).toHaveBeenCalledTimes(2);
  });

  it('waits out a database outage without spending an attempt, then runs the job again', async () => {
    const { runner, lines, worker } = setup();
    let calls = 0;
    const handle = async () => {
      calls += 1;
      if (calls === 1) throw outage();
      return 'done';
    };
    await expect(runner.run(worker, fakeJob({}).job, undefined, handle)).resolves.toBe('done');
    expect(calls).toBe(2);
    expect(lines.map((l) => l.fields.outcome)).toEqual(['completed']);
  });

  it('hands a job that meets an outage back to the queue when the worker is stopping: released', async () => {
    const { runner, lines, worker } = setup({ closing: true });
    const failedForGood = jest.fn(async () => undefined);
    const { job, moved } = fakeJob({}, 7);
    const run = runner.run(worker, job, 'tok', () => Promise.reject(outage()), failedForGood);
    await expect(run).rejects.toBeInstanceOf(DelayedError);
    expect(moved).toHaveLength(1);
    expect(lines.map((l) => [l.level, l.fields.outcome])).toEqual([['info', 'released']]);
    expect(failedForGood).not.toHaveBeenCalled();
  });

  it('builds no log line when the level is off', async () => {
    const { runner, lines, worker } = setup({ enabled: false });
    await runner.run(worker, fakeJob({}).job, undefined, async () => undefined);
    expect(lines).toHaveLength(0);
  });
});
