import { UnrecoverableError } from 'bullmq';

import { newestRecords } from './newest-records';

const rec = (envcustomerid: string, id: string, timestamp: string, n: number) => ({ envcustomerid, id, timestamp, n });

describe('newestRecords', () => {
  it('keeps the newest record per customer and id, the later one on a tie', () => {
    const rows = newestRecords(
      [
        rec('c1', 'a', '2024-05-01T12:00:00Z', 1),
        rec('c1', 'a', '2024-05-01T11:00:00Z', 2),
        rec('c2', 'a', '2024-05-01T10:00:00Z', 3),
        rec('c1', 'b', '2024-05-01T12:00:00Z', 4),
        rec('c1', 'b', '2024-05-01T14:00:00+02:00', 5),
      ],
      (r) => r.id,
    );
    expect(rows.map((r) => [r.record.n, r.ts])).toEqual([
      [1, Date.UTC(2024, 4, 1, 12)],
      [3, Date.UTC(2024, 4, 1, 10)],
      [5, Date.UTC(2024, 4, 1, 12)],
    ]);
  });

  it('fails the job on an unreadable timestamp, naming the record', () => {
    const records = [rec('c1', 'a', '2024-05-01T12:00:00Z', 1), rec('c1', 'b', 'yesterday', 2)];
    expect(() => newestRecords(records, (r) => r.id)).toThrow(UnrecoverableError);
    expect(() => newestRecords(records, (r) => r.id)).toThrow('record 1: timestamp is not an ISO-8601 date-time');
  });
});
