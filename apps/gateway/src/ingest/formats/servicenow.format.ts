import { EventRecord, parseTimestamp, recordFields, Severity } from '@sluice/contracts';

import { checkJson } from '../../http/json-check';
import {
  arrivalMinute,
  BodyErrors,
  extraFields,
  fitId,
  fitName,
  isObject,
  jsonHash,
  optionalText,
  requireText,
  textOrUndefined,
} from './format-helpers';
import type { IngestFormat, IngestMapping } from './ingest-format';
import { IngestBodyError } from './ingest-format';

/**
 * ServiceNow Event Management (`/api/global/em/jsonv2`): `{"records": [...]}`, one event each.
 *
 * ServiceNow folds events into an alert by `message_key`, which defaults to
 * source+node+type+resource+metric_name; Sluice keys the alert the same way under the node.
 */

/** ServiceNow 1 critical … 4 warning, 5 OK (informational: it closes nothing), 0 clear. */
const SEVERITIES = new Map<string, number>([
  ['0', Severity.CLEAR],
  ['1', Severity.CRITICAL],
  ['2', Severity.MAJOR],
  ['3', Severity.MINOR],
  ['4', Severity.WARNING],
  ['5', Severity.INDETERMINATE],
]);

const SERVICENOW = 'servicenow';
const MAPPED = new Set(['node', 'severity', 'time_of_event', 'description', 'source', 'additional_info']);
const EVENT_FIELDS = recordFields(EventRecord);

export const serviceNowFormat: IngestFormat = {
  name: 'servicenow',
  map(body, customerId, now): IngestMapping {
    const list = isObject(body) ? body.records : undefined;
    if (!Array.isArray(list) || list.length === 0) {
      throw new IngestBodyError([
        { field: 'records', error: 'must be a non-empty array of events: send {"records": [{...}]}' },
      ]);
    }
    const errors = new BodyErrors();
    const records: Record<string, unknown>[] = [];
    list.forEach((event: unknown, index) => {
      const record = mapEvent(event, index, customerId, now, errors);
      if (record) records.push(record);
    });
    errors.check();
    return { route: 'allevents', records };
  },
};

function mapEvent(
  event: unknown,
  index: number,
  customerId: string,
  now: Date,
  errors: BodyErrors,
): Record<string, unknown> | undefined {
  const at = `records[${index}]`;
  if (!isObject(event)) return errors.add(at, 'must be an event object', index);
  const failed = errors.list.length;

  const node = requireText(event, 'node', `${at}.node`, errors, index, 'the host or CI the event is about');
  const severity = readSeverity(event.severity);
  if (severity === undefined) errors.add(`${at}.severity`, 'must be "0" (clear) or "1" (critical) to "5" (OK)', index);
  const name = textOrUndefined(event, 'metric_name') ?? textOrUndefined(event, 'type');
  if (name === undefined) errors.add(`${at}.metric_name`, 'metric_name or type is required: it names the check', index);
  const time = readTime(event.time_of_event);
  if (time === null) errors.add(`${at}.time_of_event`, 'must be yyyy-MM-dd HH:mm:ss (GMT)', index);
  const description = optionalText(event, 'description', `${at}.description`, errors, index);
  const source = optionalText(event, 'source', `${at}.source`, errors, index);
  const messageKey = optionalText(event, 'message_key', `${at}.message_key`, errors, index);
  if (errors.list.length > failed || !node || severity === undefined || !name || time === null) return;

  // ServiceNow's own default when message_key is left empty.
  const key = messageKey ?? [source, node, event.type, event.resource, event.metric_name].map(text).join('+');
  // A resolution state of Closing closes the alert, whatever the severity says.
  const closing = text(event.resolution_state).trim().toLowerCase() === 'closing';
  // Without a time of its own, the same record again counts once per minute of arrival (see pagerduty).
  const hash = jsonHash(time === undefined ? [event, arrivalMinute(now)] : event);

  return {
    envcustomerid: customerId,
    ieventid: `sn:${hash}`,
    entity: fitName(node),
    entityid: fitId(node),
    parametercategory: SERVICENOW,
    parametername: fitName(name),
    parameterid: fitId(key),
    severity: closing ? Severity.CLEAR : severity,
    ...(description === undefined ? {} : { description }),
    firstoccurrence: time ?? now.toISOString(),
    source: fitName(source ?? SERVICENOW),
    ...extraFields(event, MAPPED, EVENT_FIELDS),
    ...(event.additional_info === undefined ? {} : { additional_info: readAdditionalInfo(event.additional_info) }),
  };
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function readSeverity(value: unknown): number | undefined {
  if (typeof value === 'number') return SEVERITIES.get(String(value));
  return typeof value === 'string' ? SEVERITIES.get(value.trim()) : undefined;
}

/** `time_of_event` (GMT, no zone) as ISO-8601; `undefined` when absent, `null` when unreadable. */
function readTime(value: unknown): string | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = parseTimestamp(value);
  return ms === undefined ? null : new Date(ms).toISOString();
}

/**
 * ServiceNow's `additional_info` is stringified JSON: kept as the object it encodes, so that its
 * fields can be read; as the string when it is not JSON, or JSON that a request body could not
 * carry (too deep, prototype keys, NUL or unpaired surrogates, which its escapes can hide).
 */
function readAdditionalInfo(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value;
  }
  if (typeof parsed !== 'object' || parsed === null) return value;
  // Checked where it will sit: a field of a record of a batch (the body of the §2 route).
  return checkJson([[parsed]], true).total === 0 ? parsed : value;
}
