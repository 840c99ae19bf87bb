import { Inject, Injectable } from '@nestjs/common';
import type { EventRecord } from '@sluice/contracts';
import { inTransaction, PG_POOL, preparedStatement } from '@sluice/database';
import type { PublishJob } from '@sluice/queue';
import type { Pool } from 'pg';
import { AlertChange, AlertInput, AlertWriter } from '../alerts/alert-writer';
import { EventRow, toEventRow } from './event-rows';

export interface EventsResult {
  stored: number;
  duplicates: number;
  alerts: AlertChange[];
}

const iso = (ms: number) => new Date(ms).toISOString();

const INSERT_EVENTS = preparedStatement(
  'events.insert',
  `INSERT INTO events (envcustomerid, ieventid, entity, entityid, parametercategory, parametertype, parametername,
                        parameterid, severity, description, messages, firstoccurrence, lastoccurrence, splitby,
                        source, toolcustomername, extra, received_at)
    SELECT u.*, $18::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                          $7::text[], $8::text[], $9::int2[], $10::text[], $11::text[], $12::timestamptz[],
                          $13::timestamptz[], $14::text[], $15::text[], $16::text[], $17::jsonb[]) AS u
    ON CONFLICT (envcustomerid, ieventid) DO NOTHING
    RETURNING envcustomerid, ieventid`,
);

/**
 * Persists one job of events in one transaction: the events themselves (a repeat of
 * `(envcustomerid, ieventid)` is a no-op), then only the new ones fold into their alerts. A job
 * retried after it committed therefore changes nothing, and one retried after a crash before the
 * commit starts from scratch.
 */
@Injectable()
export class EventWriter {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly alerts: AlertWriter,
  ) {}

  async write(job: PublishJob<EventRecord>): Promise<EventsResult> {
    // The first copy of an event wins within a batch too.
    const rows = new Map<string, EventRow>();
    job.records.forEach((record, index) => {
      const row = toEventRow(record, index);
      const key = `${row.envcustomerid}\u0000${row.ieventid}`;
      if (!rows.has(key)) rows.set(key, row);
    });
    const all = [...rows.values()];

    return inTransaction(this.pool, async (db) => {
      const col = <T>(f: (r: EventRow) => T) => all.map(f);
      const inserted = await db.query<{ envcustomerid: string; ieventid: string }>(
        INSERT_EVENTS([
          col((r) => r.envcustomerid),
          col((r) => r.ieventid),
          col((r) => r.entity),
          col((r) => r.entityid),
          col((r) => r.parametercategory),
          col((r) => r.parametertype),
          col((r) => r.parametername),
          col((r) => r.parameterid),
          col((r) => r.severity),
          col((r) => r.description),
          col((r) => r.messages),
          col((r) => iso(r.firstoccurrence)),
          col((r) => iso(r.lastoccurrence)),
          col((r) => r.splitby),
          col((r) => r.source),
          col((r) => r.toolcustomername),
          col((r) => r.extra),
          job.receivedAt,
        ]),
      );
      const fresh = inserted.rows.map((r) => rows.get(`${r.envcustomerid}\u0000${r.ieventid}`)!);
      const changes = await this.alerts.apply(db, fresh.map(toAlertInput));
      return { stored: fresh.length, duplicates: job.records.length - fresh.length, alerts: changes };
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
    events: [{ ieventid: row.ieventid, severity: row.severity, firstoccurrence: row.firstoccurrence, lastoccurrence: row.lastoccurrence }],
  };
}
