/** How a GroupCommit forms its groups. */
export interface GroupCommitOptions<I> {
  /** Groups written at the same time (each holds one pooled connection). */
  maxInFlight: number;
  /** Upper bound of a group's total weight; a single heavier item still forms a group alone. */
  maxWeight: number;
  weight: (item: I) => number;
}

interface Entry<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for jobs processed at the same time: while `maxInFlight` groups are being written,
 * newly submitted items wait and then go together, in one call of `writeAll` (one transaction),
 * in the order they were submitted. An idle writer starts at once, so a lone job waits for
 * nothing; under load, many small jobs share the fixed cost of a transaction (its round trips,
 * statements and commit) instead of each paying it.
 *
 * A failed group is written again one item at a time, so that a failure (a record the database
 * refuses, a lost connection) is reported to the job it belongs to and to no other.
 */
export class GroupCommit<I, R> {
  private readonly pending: Entry<I, R>[] = [];
  private inFlight = 0;

  constructor(
    private readonly writeAll: (items: I[]) => Promise<R[]>,
    private readonly options: GroupCommitOptions<I>,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.pending.length > 0) {
      const group = this.take();
      this.inFlight++;
      void this.flush(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private take(): Entry<I, R>[] {
    let weight = this.options.weight(this.pending[0].item);
    let n = 1;
    while (n < this.pending.length) {
      const next = this.options.weight(this.pending[n].item);
      if (weight + next > this.options.maxWeight) break;
      weight += next;
      n++;
    }
    return this.pending.splice(0, n);
  }

  private async flush(group: Entry<I, R>[]): Promise<void> {
    try {
      const results = await this.writeAll(group.map((e) => e.item));
      group.forEach((e, i) => e.resolve(results[i]));
    } catch (err) {
      if (group.length === 1) return group[0].reject(err);
      for (const e of group) {
        try {
          e.resolve((await this.writeAll([e.item]))[0]);
        } catch (alone) {
          e.reject(alone);
        }
      }
    }
  }
}
