import { EventRecord, parseSeverity, parseTimestamp } from '@sluice/contracts';
import { badRecord } from '../jobs/job-failure';
import { extraFields } from '../persistence/extra-fields';

const KNOWN = new Set(Object.keys({
  envcustomerid: 1, toolcustomername: 1, ieventid: 1, entity: 1, entityid: 1, parametercategory: 1, parametertype: 1,
  parametername: 1, parameterid: 1, severity: 1, description: 1, messages: 1, firstoccurrence: 1, lastoccurrence: 1,
  splitby: 1, source: 1,
}));

/** An event as stored: severity as 0..5, times as epoch milliseconds, defaults applied. */
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
}

/** Normalises one validated record (spec §2.1 defaults: parameterid ← parametername, lastoccurrence ← firstoccurrence). */
export function toEventRow(record: EventRecord, index: number): EventRow {
  const severity = parseSeverity(record.severity);
  const firstoccurrence = parseTimestamp(record.firstoccurrence);
  const lastoccurrence = record.lastoccurrence === undefined || record.lastoccurrence === null ? firstoccurrence : parseTimestamp(record.lastoccurrence);
  if (severity === undefined) throw badRecord(index, `severity ${JSON.stringify(record.severity)} is not 0-5 or a severity name`);
  if (firstoccurrence === undefined || lastoccurrence === undefined) throw badRecord(index, 'firstoccurrence/lastoccurrence is not an ISO-8601 date-time');
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
  };
}
