import { bulkInsert } from '@sluice/database';

import { extraFields } from '../persistence/extra-fields';

/** A topology record (entity or service) with its parsed timestamp. */
export interface TimedTopologyRecord<R> {
  record: R;
  ts: number;
}

interface TopologyRecord {
  envcustomerid: string;
  attributes?: Record<string, unknown>;
  deleted?: boolean;
}

/** What tells an entity from a service: its table, its id column, and where its fields come from. */
export interface TopologyKind<R> {
  table: 'topology_entities' | 'topology_services';
  idColumn: 'entityid' | 'serviceid';
  id: (record: R) => string;
  name: (record: R) => string;
  type: (record: R) => string | null;
  known: ReadonlySet<string>;
}

/**
 * Spec §2.3/§2.4, one statement for entities and services alike: upsert the newest record of
 * each where it is not older than what is stored (a delete leaves a tombstone), answering those
 * that won.
 */
export function topologyUpsert<R extends TopologyRecord>(kind: TopologyKind<R>) {
  const columns = bulkInsert<TimedTopologyRecord<R>>({
    envcustomerid: ['text', (x) => x.record.envcustomerid],
    [kind.idColumn]: ['text', (x) => kind.id(x.record)],
    name: ['text', (x) => kind.name(x.record)],
    type: ['text', (x) => kind.type(x.record)],
    attributes: ['jsonb', (x) => (x.record.attributes ? JSON.stringify(x.record.attributes) : null)],
    extra: ['jsonb', (x) => extraFields(x.record, kind.known)],
    record_ts: ['timestamptz', (x) => new Date(x.ts).toISOString()],
    deleted: ['bool', (x) => x.record.deleted === true],
  });
  const text = `INSERT INTO ${kind.table} (${columns.names})
         SELECT * FROM ${columns.unnest}
         ON CONFLICT (envcustomerid, ${kind.idColumn}) DO UPDATE SET
           name = EXCLUDED.name, type = EXCLUDED.type, attributes = EXCLUDED.attributes, extra = EXCLUDED.extra,
           record_ts = EXCLUDED.record_ts, deleted = EXCLUDED.deleted, updated_at = now()
         WHERE ${kind.table}.record_ts <= EXCLUDED.record_ts
         RETURNING envcustomerid, ${kind.idColumn}, deleted`;
  return { text, values: (rows: TimedTopologyRecord<R>[]) => columns.values(rows) };
}
