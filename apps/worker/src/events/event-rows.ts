import { EventRecord, parseSeverity, parseTimestamp, recordFields } from '@sluice/contracts';
import type { BulkColumn } from '@sluice/database';

import { badRecord } from '../jobs/job-failure';
import { extraFields } from '../persistence/extra-fields';

const KNOWN = recordFields(EventRecord);

/**
 * An event as stored: severity as 0..5, times as epoch milliseconds, defaults applied. Each
 * field is a column of `events` (EVENT_COLUMNS must name them all).
 */
export interface EventRow {
  envcustomerid: string;
  ieventid: string;
  entity: string;
  entityid: string;
  parametercategory: string | null;
  parametertype: string | null;
  parametername: string;
  parameterid: string;
  severity: number;
  description: string | null;
  messages: string | null;
  firstoccurrence: number;
  lastoccurrence: number;
  splitby: string | null;
  source: string | null;
  toolcustomername: string | null;
  extra: string | null;
  /** `action: "acknowledge"` (an extra field, spec §8.2's PagerDuty `acknowledge`). */
  acknowledge: boolean;
}

/** Normalises one validated record (spec §2.1 defaults: parameterid ← parametername, lastoccurrence ← firstoccurrence). */
export function toEventRow(record: EventRecord, index: number): EventRow {
  const severity = parseSeverity(record.severity);
  const firstoccurrence = parseTimestamp(record.firstoccurrence);
  const lastoccurrence =
    record.lastoccurrence === undefined || record.lastoccurrence === null
      ? firstoccurrence
      : parseTimestamp(record.lastoccurrence);
  if (severity === undefined)
    throw badRecord(index, `severity ${JSON.stringify(record.severity)} is not 0-5 or a severity name`);
  if (firstoccurrence === undefined || lastoccurrence === undefined)
    throw badRecord(index, 'firstoccurrence/lastoccurrence is not an ISO-8601 date-time');
  return {
    envcustomerid: record.envcustomerid,
    ieventid: record.ieventid,
    entity: record.entity,
    entityid: record.entityid,
    parametercategory: record.parametercategory ?? null,
    parametertype: record.parametertype ?? null,
    parametername: record.parametername,
    parameterid: record.parameterid ?? record.parametername,
    severity,
    description: record.description ?? null,
    messages: record.messages ?? null,
    firstoccurrence,
    lastoccurrence,
    splitby: record.splitby ?? null,
    source: record.source ?? null,
    toolcustomername: record.toolcustomername ?? null,
    extra: extraFields(record, KNOWN),
    acknowledge: (record as { action?: unknown }).action === 'acknowledge',
  };
}

/** A row to insert, with the time its job was received (epoch milliseconds). */
export interface StoredEvent {
  row: EventRow;
  receivedAt: number;
}

const toTimestamp = (column: string) => `to_timestamp(${column} / 1000)`;

/**
 * The columns of `events` the worker inserts, in parameter order: one per stored EventRow field
 * (`acknowledge` is kept in `extra`, as it was sent), then `received_at`.
 */
export const EVENT_COLUMNS: {
  readonly [K in Exclude<keyof EventRow, 'acknowledge'> | 'received_at']: BulkColumn<StoredEvent>;
} = {
  envcustomerid: ['text', (e) => e.row.envcustomerid],
  ieventid: ['text', (e) => e.row.ieventid],
  entity: ['text', (e) => e.row.entity],
  entityid: ['text', (e) => e.row.entityid],
  parametercategory: ['text', (e) => e.row.parametercategory],
  parametertype: ['text', (e) => e.row.parametertype],
  parametername: ['text', (e) => e.row.parametername],
  parameterid: ['text', (e) => e.row.parameterid],
  severity: ['int2', (e) => e.row.severity],
  description: ['text', (e) => e.row.description],
  messages: ['text', (e) => e.row.messages],
  firstoccurrence: ['float8', (e) => e.row.firstoccurrence, toTimestamp('firstoccurrence')],
  lastoccurrence: ['float8', (e) => e.row.lastoccurrence, toTimestamp('lastoccurrence')],
  splitby: ['text', (e) => e.row.splitby],
  source: ['text', (e) => e.row.source],
  toolcustomername: ['text', (e) => e.row.toolcustomername],
  extra: ['jsonb', (e) => e.row.extra],
  received_at: ['float8', (e) => e.receivedAt, toTimestamp('received_at')],
};
