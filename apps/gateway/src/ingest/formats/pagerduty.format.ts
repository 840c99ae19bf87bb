import { EventRecord, recordFields, Severity } from '@sluice/contracts';

import {
  arrivalMinute,
  BodyErrors,
  codePoints,
  extraFields,
  fitId,
  fitName,
  isObject,
  isoTime,
  jsonHash,
  requireText,
  textOrUndefined,
} from './format-helpers';
import type { IngestFormat, IngestMapping } from './ingest-format';
import { IngestBodyError } from './ingest-format';

/**
 * PagerDuty Events API v2 (`/v2/enqueue`): one event per request, answered as PagerDuty does.
 *
 * The `dedup_key` alone is the alert: acknowledge and resolve bodies carry nothing else (their
 * `payload` is optional), so the entity and parameter of the identity are fixed and the key is the
 * parameter. The display fields come from the payload when there is one.
 */

const SEVERITIES = new Map<string, number>([
  ['critical', Severity.CRITICAL],
  ['error', Severity.MAJOR],
  ['warning', Severity.WARNING],
  ['info', Severity.INDETERMINATE],
]);
const ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;

const PAGERDUTY = 'pagerduty';
const MAX_SUMMARY = 1024;
const MAX_DEDUP_KEY = 255;
/** Fields the mapping consumes; `routing_key` is a credential and is never stored. */
const MAPPED = new Set(['routing_key', 'event_action', 'dedup_key', 'payload']);
const MAPPED_PAYLOAD = new Set(['summary', 'source', 'severity', 'timestamp']);
const EVENT_FIELDS = recordFields(EventRecord);

export const pagerDutyFormat: IngestFormat = {
  name: 'pagerduty',
  map(body, customerId, now): IngestMapping {
    if (!isObject(body)) {
      throw new IngestBodyError([{ field: '', error: 'body must be a PagerDuty Events API v2 event: a JSON object' }]);
    }
    const errors = new BodyErrors();
    requireText(body, 'routing_key', 'routing_key', errors, undefined, 'the integration key, a string');
    const action = ACTIONS.find((a) => a === body.event_action);
    if (!action) errors.add('event_action', 'must be "trigger", "acknowledge" or "resolve"');
    const sentKey = readDedupKey(body.dedup_key, errors);
    if (action && action !== 'trigger' && isAbsent(body.dedup_key)) {
      errors.add('dedup_key', `is required to ${action}: the dedup_key of the trigger`);
    }
    const payload = isObject(body.payload) ? body.payload : undefined;
    const fields = action === 'trigger' ? readTrigger(body.payload, errors) : readFollowUp(payload);
    errors.check();
    if (!action || !fields) throw new IngestBodyError(errors.list); // unreachable: errors were added

    // A resend of the same body is the same event. A body without a time of its own (Alertmanager
    // sends none) counts once per minute of arrival: a trigger that fires again after a resolve is
    // often byte for byte the first one, and must not be taken for a resend of it.
    const { routing_key: _credential, ...rest } = body;
    const hash = jsonHash(fields.timestamp === undefined ? [rest, arrivalMinute(now)] : rest);
    // Without a dedup_key PagerDuty makes one up and answers it. Derived from the same hash, so a
    // resend (which stores nothing new) is answered the key of the alert the first one opened.
    const dedupKey = sentKey ?? uuidFromHash(hash);
    const severity =
      action === 'trigger' ? fields.severity : action === 'resolve' ? Severity.CLEAR : Severity.INDETERMINATE;

    const record = {
      envcustomerid: customerId,
      ieventid: `pd:${action}:${hash}`,
      entity: fitName(fields.source ?? PAGERDUTY),
      entityid: PAGERDUTY,
      parametercategory: PAGERDUTY,
      parametername: fitName(fields.summary ?? dedupKey),
      parameterid: fitId(dedupKey),
      severity,
      ...(fields.summary === undefined ? {} : { description: fields.summary }),
      firstoccurrence: fields.timestamp ?? now.toISOString(),
      source: fitName(textOrUndefined(body, 'client') ?? PAGERDUTY),
      ...(payload ? extraFields(payload, MAPPED_PAYLOAD, EVENT_FIELDS) : {}),
      ...extraFields(body, MAPPED, EVENT_FIELDS),
      // `acknowledge`: the worker acknowledges the open alert and changes nothing else.
      action,
      dedup_key: dedupKey,
    };
    return {
      route: 'allevents',
      records: [record],
      answer: { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: dedupKey } },
    };
  },
};

interface PayloadFields {
  summary?: string;
  source?: string;
  severity: number;
  timestamp?: string;
}

/** A trigger's payload: summary, source and severity are required. */
function readTrigger(payload: unknown, errors: BodyErrors): PayloadFields | undefined {
  if (!isObject(payload)) {
    const what = 'an object {"summary", "source", "severity"}';
    return errors.add(
      'payload',
      payload === undefined || payload === null ? `is required: ${what}` : `must be ${what}`,
    );
  }
  const summary = requireText(
    payload,
    'summary',
    'payload.summary',
    errors,
    undefined,
    'a string of 1 to 1024 characters',
  );
  if (summary !== undefined && codePoints(summary) > MAX_SUMMARY) {
    errors.add('payload.summary', `must be at most ${MAX_SUMMARY} characters`);
  }
  const source = requireText(payload, 'source', 'payload.source', errors, undefined, 'the affected host or service');
  const sent = payload.severity;
  const severity = typeof sent === 'string' ? SEVERITIES.get(sent.trim().toLowerCase()) : undefined;
  if (severity === undefined) errors.add('payload.severity', 'must be "critical", "error", "warning" or "info"');
  const timestamp = isoTime(payload.timestamp);
  if (payload.timestamp !== undefined && payload.timestamp !== null && timestamp === undefined) {
    errors.add('payload.timestamp', 'must be an ISO-8601 date-time, e.g. 2026-01-01T00:00:00Z');
  }
  if (summary === undefined || source === undefined || severity === undefined) return undefined;
  return { summary, source, severity, timestamp };
}

/** Acknowledge and resolve: a payload, when sent, only names things; nothing in it is required. */
const readFollowUp = (payload: Record<string, unknown> | undefined): PayloadFields => ({
  summary: textOrUndefined(payload, 'summary'),
  source: textOrUndefined(payload, 'source'),
  severity: Severity.INDETERMINATE,
  timestamp: isoTime(payload?.timestamp),
});

/** Templating senders write an empty key for "none", as if they had left it out. */
const isAbsent = (key: unknown) => key === undefined || key === null || key === '';

function readDedupKey(key: unknown, errors: BodyErrors): string | undefined {
  if (isAbsent(key)) return undefined;
  if (typeof key === 'string' && key.length > 0 && codePoints(key) <= MAX_DEDUP_KEY) return key;
  return errors.add('dedup_key', `must be a string of 1 to ${MAX_DEDUP_KEY} characters`);
}

/** A UUID (version 8: made from a hash, RFC 9562) out of 32 hex digits. */
function uuidFromHash(hex: string): string {
  const variant = (8 | (parseInt(hex[16], 16) & 3)).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
