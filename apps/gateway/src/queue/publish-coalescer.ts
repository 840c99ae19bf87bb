import type { PublishJob } from '@sluice/queue';

interface Waiting<R> {
  job: PublishJob<R>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * A group commit for one publish queue: the requests that reach it in the same turn of the event
 * loop (or within `windowMs`), up to `maxRecords` records, become one job, added with one Redis
 * call. Each request's promise settles with that add: a request is answered 200 only once the job
 * holding its records is acknowledged, and a failed add fails every request in it. A request alone
 * becomes exactly the job it was before (its id the job id); a shared job keeps every request's
 * id, time and user in `requests`.
 */
export class PublishCoalescer<R> {
  private waiting: Waiting<R>[] = [];
  private records = 0;
  private scheduled = false;

  constructor(
    private readonly add: (job: PublishJob<R>) => Promise<void>,
    private readonly windowMs: number,
    /** §2's batch bound: a shared job is no bigger than one request may be. */
    private readonly maxRecords: number,
  ) {}

  submit(job: PublishJob<R>): Promise<void> {
    if (this.waiting.length > 0 && this.records + job.records.length > this.maxRecords) this.flush();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      this.records += job.records.length;
      if (this.records >= this.maxRecords) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate: after the requests whose bytes arrived in this turn have reached here.
        if (this.windowMs > 0) setTimeout(() => this.flush(), this.windowMs);
        else setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const group = this.waiting;
    this.waiting = [];
    this.records = 0;
    this.scheduled = false;
    if (group.length === 0) return;
    this.add(group.length === 1 ? group[0].job : shared(group.map((w) => w.job))).then(
      () => group.forEach((w) => w.resolve()),
      (err: unknown) => group.forEach((w) => w.reject(err)),
    );
  }
}

function shared<R>(jobs: PublishJob<R>[]): PublishJob<R> {
  const [first] = jobs;
  return {
    requestId: first.requestId,
    receivedAt: first.receivedAt,
    userId: first.userId,
    records: jobs.flatMap((j) => j.records),
    requests: jobs.map((j) => ({
      requestId: j.requestId,
      receivedAt: j.receivedAt,
      userId: j.userId,
      count: j.records.length,
    })),
  };
}
