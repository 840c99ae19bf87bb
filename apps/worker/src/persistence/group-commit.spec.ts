import { GroupCommit } from './group-commit';

/** A writeAll whose calls are recorded and finish only when the test releases them. */
function controlledWriter(fail: (item: number) => boolean = () => false) {
  const calls: { items: number[]; release: () => void }[] = [];
  const writeAll = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({
        items,
        release: () => {
          const bad = items.filter(fail);
          if (bad.length > 0) reject(new Error(`bad ${bad.join(',')}`));
          else resolve(items.map((i) => `done ${i}`));
        },
      });
    });
  return { calls, writeAll };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('writes a lone item at once, in a group of its own', async () => {
    const { calls, writeAll } = controlledWriter();
    const group = new GroupCommit(writeAll, { maxInFlight: 2, maxWeight: 100, weight: () => 1 });
    const result = group.submit(1);
    expect(calls.map((c) => c.items)).toEqual([[1]]);
    calls[0].release();
    await expect(result).resolves.toBe('done 1');
  });

  it('groups the items that arrive while maxInFlight groups are being written, in submission order', async () => {
    const { calls, writeAll } = controlledWriter();
    const group = new GroupCommit(writeAll, { maxInFlight: 2, maxWeight: 100, weight: () => 1 });
    const results = [1, 2, 3, 4, 5].map((i) => group.submit(i));
    expect(calls.map((c) => c.items)).toEqual([[1], [2]]);
    calls[0].release();
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2], [3, 4, 5]]);
    calls[1].release();
    calls[2].release();
    await expect(Promise.all(results)).resolves.toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5']);
  });

  it('keeps a group within maxWeight, but lets a single heavier item through alone', async () => {
    const { calls, writeAll } = controlledWriter();
    const group = new GroupCommit(writeAll, { maxInFlight: 1, maxWeight: 10, weight: (i) => i });
    const results = [1, 4, 5, 3, 20, 2].map((i) => group.submit(i));
    for (let round = 0; round < 5; round++) {
      calls[round].release();
      await tick();
    }
    await Promise.all(results);
    expect(calls.map((c) => c.items)).toEqual([[1], [4, 5], [3], [20], [2]]);
  });

  it('writes a failed group again item by item: only the item that fails is rejected', async () => {
    const { calls, writeAll } = controlledWriter((i) => i === 3);
    const group = new GroupCommit(writeAll, { maxInFlight: 1, maxWeight: 100, weight: () => 1 });
    const results = [1, 2, 3, 4].map((i) => group.submit(i).catch((err: Error) => err.message));
    calls[0].release();
    await tick();
    calls[1].release(); // [2, 3, 4] fails as a whole
    for (let i = 2; i < 5; i++) {
      await tick();
      calls[i].release();
    }
    await expect(Promise.all(results)).resolves.toEqual(['done 1', 'done 2', 'bad 3', 'done 4']);
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it('starts the next group as soon as a writer is free', async () => {
    const { calls, writeAll } = controlledWriter();
    const group = new GroupCommit(writeAll, { maxInFlight: 1, maxWeight: 100, weight: () => 1 });
    const first = group.submit(1);
    const second = group.submit(2);
    expect(calls).toHaveLength(1);
    calls[0].release();
    await first;
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2]]);
    calls[1].release();
    await expect(second).resolves.toBe('done 2');
  });
});
