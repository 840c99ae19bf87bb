import type { PublishJob } from '@sluice/queue';

import { PublishCoalescer } from './publish-coalescer';

const job = (id: string, n: number): PublishJob<string> => ({
  requestId: id,
  receivedAt: `2026-12-07T00:00:0${id.length}.000Z`,
  userId: `user-${id}`,
  records: Array.from({ length: n }, (_, i) => `${id}.${i}`),
});

/** An add that settles when the test says. */
function deferredAdds() {
  const calls: { job: PublishJob<string>; settle: (err?: Error) => void }[] = [];
  const add = (j: PublishJob<string>) =>
    new Promise<void>((resolve, reject) => calls.push({ job: j, settle: (err) => (err ? reject(err) : resolve()) }));
  return { calls, add };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('PublishCoalescer', () => {
  it('requests of one turn share one job; each is answered only once that job is added', async () => {
    const { calls, add } = deferredAdds();
    const c = new PublishCoalescer(add, 0, 1000);
    const answered: string[] = [];
    const done = ['a', 'bb', 'ccc'].map((id, i) => c.submit(job(id, i + 1)).then(() => answered.push(id)));
    await tick();
    expect(calls).toHaveLength(1);
    expect(calls[0].job).toEqual({
      requestId: 'a',
      receivedAt: '2026-12-07T00:00:01.000Z',
      userId: 'user-a',
      records: ['a.0', 'bb.0', 'bb.1', 'ccc.0', 'ccc.1', 'ccc.2'],
      requests: [
        { requestId: 'a', receivedAt: '2026-12-07T00:00:01.000Z', userId: 'user-a', count: 1 },
        { requestId: 'bb', receivedAt: '2026-12-07T00:00:02.000Z', userId: 'user-bb', count: 2 },
        { requestId: 'ccc', receivedAt: '2026-12-07T00:00:03.000Z', userId: 'user-ccc', count: 3 },
      ],
    });
    await tick();
    expect(answered).toEqual([]); // Redis has not acknowledged yet
    calls[0].settle();
    await Promise.all(done);
    expect(answered).toEqual(['a', 'bb', 'ccc']);
  });

  it('a request alone is the job it always was: its id, no requests list', async () => {
    const { calls, add } = deferredAdds();
    const c = new PublishCoalescer(add, 0, 1000);
    const done = c.submit(job('solo', 2));
    await tick();
    expect(calls.map((call) => call.job)).toEqual([job('solo', 2)]);
    calls[0].settle();
    await done;
  });

  it('never makes a job of more than maxRecords records', async () => {
    const { calls, add } = deferredAdds();
    const c = new PublishCoalescer(add, 0, 5);
    const done = [c.submit(job('a', 3)), c.submit(job('b', 3)), c.submit(job('c', 2))];
    await tick();
    expect(calls.map((call) => call.job.records.length)).toEqual([3, 5]);
    calls.forEach((call) => call.settle());
    await Promise.all(done);
  });

  it('a failed add fails every request in its job, and only those', async () => {
    const { calls, add } = deferredAdds();
    const c = new PublishCoalescer(add, 0, 1000);
    const first = [c.submit(job('a', 1)), c.submit(job('b', 1))].map((p) =>
      p.then(
        () => 'ok',
        (e: Error) => e.message,
      ),
    );
    await tick();
    const later = c.submit(job('c', 1));
    await tick();
    calls[0].settle(new Error('Redis down'));
    calls[1].settle();
    expect(await Promise.all(first)).toEqual(['Redis down', 'Redis down']);
    await expect(later).resolves.toBeUndefined();
  });

  it('with a window, waits for it before adding', async () => {
    const { calls, add } = deferredAdds();
    const c = new PublishCoalescer(add, 20, 1000);
    const done = c.submit(job('a', 1));
    await tick();
    expect(calls).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toHaveLength(1);
    calls[0].settle();
    await done;
  });
});
