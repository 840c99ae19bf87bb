import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';

import type { EventRecord } from '@sluice/contracts';
import { bulkInsert, inTransaction, PG_POOL, preparedStatement } from '@sluice/database';
import type { PublishJob } from '@sluice/queue';

import { AlertChange, AlertInput, AlertWriter } from '../alerts/alert.writer';
import { identityKey } from '../alerts/alert-identity';
import { AlertNotifications } from '../notifier/alert-notifications.service';
import { GroupCommit } from '../persistence/group-commit';
import { EVENT_COLUMNS, EventRow, StoredEvent, toEventRow } from './event-rows';

export interface EventsResult {
  stored: number;
  duplicates: number;
  alerts: AlertChange[];
}

const EVENTS = bulkInsert(EVENT_COLUMNS);

export const INSERT_EVENTS = preparedStatement(
  'events.insert',
  `INSERT INTO events (${EVENTS.names})
    SELECT ${EVENTS.select}
      FROM ${EVENTS.unnest} AS u(${EVENTS.names})
    ON CONFLICT (envcustomerid, ieventid) DO NOTHING
    RETURNING envcustomerid, ieventid`,
);

/** One job's events, normalised, in the job's order. */
interface JobEvents {
  rows: EventRow[];
  /** Epoch milliseconds. */
  receivedAt: number;
  records: number;
}

interface Pending extends StoredEvent {
  job: number;
  /** Position in the group (job, then record): events of equal lastoccurrence fold in this order. */
  seq: number;
}

const eventKey = (e: Pick<EventRow, 'envcustomerid' | 'ieventid'>) => `${e.envcustomerid}\u0000${e.ieventid}`;

// Jobs being processed at the same time share a transaction (see GroupCommit): two groups at
// once, of at most 5,000 events each.
const GROUPS_IN_FLIGHT = 2;
const MAX_GROUP_EVENTS = 5_000;

/**
 * Persists jobs of events: the events themselves (a repeat of `(envcustomerid, ieventid)` is a
 * no-op), then only the new ones fold into their alerts, all in one transaction. A job retried
 * after it committed therefore changes nothing, and one retried after a crash before the commit
 * starts from scratch. Jobs that arrive while others are being written are written together.
 */
@Injectable()
export class EventWriter {
  private readonly group = new GroupCommit<JobEvents, EventsResult>((jobs) => this.writeAll(jobs), {
    maxInFlight: GROUPS_IN_FLIGHT,
    maxWeight: MAX_GROUP_EVENTS,
    weight: (job) => job.rows.length,
  });

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly alerts: AlertWriter,
    private readonly notifications: AlertNotifications,
  ) {}

  /** Rejects with an UnrecoverableError naming the record if one cannot be stored. */
  async write(job: PublishJob<EventRecord>): Promise<EventsResult> {
    const rows = job.records.map((record, index) => toEventRow(record, index));
    return this.group.submit({ rows, receivedAt: Date.parse(job.receivedAt), records: job.records.length });
  }

  private async writeAll(jobs: JobEvents[]): Promise<EventsResult[]> {
    // The first copy of an event wins: within a job and across the jobs of a group.
    const pending = new Map<string, Pending>();
    jobs.forEach((job, index) => {
      for (const row of job.rows) {
        const key = eventKey(row);
        if (!pending.has(key)) pending.set(key, { row, job: index, seq: pending.size, receivedAt: job.receivedAt });
      }
    });
    // In key order, so that two transactions inserting the same new events wait on each other
    // instead of deadlocking.
    const all = [...pending.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);

    return inTransaction(this.pool, async (db) => {
      const inserted = await db.query<{ envcustomerid: string; ieventid: string }>(INSERT_EVENTS(EVENTS.values(all)));
      // Back in arrival order for the fold (the insert went in key order).
      const fresh = inserted.rows.map((r) => pending.get(eventKey(r))!).sort((a, b) => a.seq - b.seq);
      const inputs = fresh.map((p) => toAlertInput(p.row));
      const changes = await this.alerts.write(db, inputs);
      await this.notifications.plan(db, changes);

      // Each job is told what its own events did.
      const changed = new Map(changes.map((c) => [identityKey(c.identity), c]));
      const results = jobs.map((job) => ({ stored: 0, duplicates: job.records, alerts: new Set<AlertChange>() }));
      fresh.forEach((p, i) => {
        const result = results[p.job];
        result.stored++;
        result.duplicates--;
        const change = changed.get(identityKey(inputs[i].identity));
        if (change) result.alerts.add(change);
      });
      return results.map((r) => ({ ...r, alerts: [...r.alerts] }));
    });
  }
}

function toAlertInput(row: EventRow): AlertInput {
  return {
    identity: {
      envcustomerid: row.envcustomerid,
      entityid: row.entityid,
      parametercategory: row.parametercategory ?? '',
      parameterid: row.parameterid,
      splitby: row.splitby ?? '',
    },
    entity: row.entity,
    parametername: row.parametername,
    description: row.description,
    source: row.source,
    events: [
      {
        ieventid: row.ieventid,
        acknowledge: row.acknowledge,
        severity: row.severity,
        firstoccurrence: row.firstoccurrence,
        lastoccurrence: row.lastoccurrence,
      },
    ],
  };
}
