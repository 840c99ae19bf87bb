import { RedisQueueBackend } from 'bullmq';

/**
 * patches/bullmq+6.7.0.patch: finishing a job and fetching the next one must not turn the next
 * job's raw data into a string (BullMQ compared the array with `< 0`).
 */
describe('bullmq patch: moveToFinished', () => {
  const finish = (result: unknown) =>
    (
      RedisQueueBackend.prototype as unknown as { moveToFinished(id: string, args: unknown[]): Promise<unknown> }
    ).moveToFinished.call(
      {
        queue: { client: Promise.resolve({}) },
        execCommand: async () => result,
        finishedErrors: (e: { code: number }) => new Error(`code ${e.code}`),
      },
      'job-1',
      [],
    );

  it('returns the next job without converting its raw data to a string', async () => {
    const raw: unknown[] = [
      ['name', 'events', 'data', '{"records":[]}', 'opts', '{}', 'timestamp', '1'],
      'job-2',
      0,
      0,
    ];
    Object.defineProperty(raw, 'toString', {
      value: () => {
        throw new Error('next job data converted to a string');
      },
    });
    const next = (await finish(raw)) as unknown[];
    expect(next[1]).toBe('job-2');
    expect(next[0]).toMatchObject({ id: undefined, name: 'events', data: '{"records":[]}' });
  });

  it('still turns a negative status into an error', async () => {
    await expect(finish(-1)).rejects.toThrow('code -1');
  });
});
