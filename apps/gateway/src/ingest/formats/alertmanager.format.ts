import { EventRecord, parseTimestamp, recordFields, Severity } from '@sluice/contracts';

import { BodyErrors, extraFields, fitId, fitName, hashHex, isObject, isoTime, textOrUndefined } from './format-helpers';
import type { IngestFormat, IngestMapping } from './ingest-format';
import { IngestBodyError } from './ingest-format';

/**
 * Prometheus Alertmanager `webhook_configs` (message version "4"): one event per alert.
 *
 * An Alertmanager alert is its label set: its `firing` and `resolved` notifications carry the same
 * labels, and two alerts differ in at least one label. So the Sluice alert is keyed by the labels
 * too: `instance` (the entity), `alertname` (the parameter) and a hash of the whole label set
 * (`splitby`), which keeps apart the alerts that share alertname and instance (a `warning` and a
 * `critical` rule, two mount points, two jobs scraping one target).
 */

/** The `severity` label, by the names rule authors use (Prometheus mixins, Zabbix, priorities). */
const SEVERITY_LABELS = new Map<string, number>([
  ...['critical', 'crit', 'fatal', 'emergency', 'emerg', 'disaster', 'page', 'p1'].map((n) => [n, 5] as const),
  ...['major', 'error', 'err', 'high', 'p2'].map((n) => [n, 4] as const),
  ...['minor', 'medium', 'moderate', 'average', 'p3'].map((n) => [n, 3] as const),
  ...['warning', 'warn', 'p4'].map((n) => [n, 2] as const),
  ...['info', 'information', 'informational', 'notice', 'low', 'none', 'debug', 'indeterminate', 'p5'].map(
    (n) => [n, 1] as const,
  ),
]);

/** A firing alert without a (known) `severity` label: something fired, nothing says how urgent. */
export const ALERTMANAGER_DEFAULT_SEVERITY = Severity.WARNING;

const CATEGORY = 'alertmanager';
/** The alert's fields the mapping turns into the record's own; the rest are kept as extra fields. */
const MAPPED = new Set(['status', 'startsAt', 'endsAt']);
const EVENT_FIELDS = recordFields(EventRecord);

/** Go's zero time, which Alertmanager writes as `endsAt` of a firing alert: "not set". */
const YEAR_2 = parseTimestamp('0002-01-01T00:00:00Z') as number;

export const alertmanagerFormat: IngestFormat = {
  name: 'alertmanager',
  map(body, customerId, now): IngestMapping {
    if (!isObject(body)) {
      throw new IngestBodyError([{ field: '', error: 'body must be an Alertmanager webhook message: a JSON object' }]);
    }
    const alerts = body.alerts;
    if (!Array.isArray(alerts) || alerts.length === 0) {
      throw new IngestBodyError([{ field: 'alerts', error: 'must be a non-empty array of alerts' }]);
    }
    const errors = new BodyErrors();
    // Of the group's fields, these two say where the alert came from; the others restate its labels.
    const group = definedOnly({
      receiver: textOrUndefined(body, 'receiver'),
      externalURL: textOrUndefined(body, 'externalURL'),
    });
    const records: Record<string, unknown>[] = [];
    for (let index = 0; index < alerts.length; index++) {
      const record = mapAlert(alerts[index], index, customerId, now, errors);
      if (record) records.push(Object.assign(record, group));
    }
    errors.check();

    const truncated = body.truncatedAlerts;
    const mapping: IngestMapping = { route: 'allevents', records };
    if (typeof truncated === 'number' && truncated > 0) mapping.notes = { truncatedAlerts: truncated };
    return mapping;
  },
};

function mapAlert(
  alert: unknown,
  index: number,
  customerId: string,
  now: Date,
  errors: BodyErrors,
): Record<string, unknown> | undefined {
  const at = `alerts[${index}]`;
  if (!isObject(alert)) return errors.add(at, 'must be an alert object', index);

  const labels = readLabels(alert.labels, `${at}.labels`, index, errors);
  const status = alert.status;
  if (status !== 'firing' && status !== 'resolved') errors.add(`${at}.status`, 'must be "firing" or "resolved"', index);
  const startsAt = isoTime(alert.startsAt);
  if (startsAt === undefined) errors.add(`${at}.startsAt`, 'must be an RFC 3339 date-time', index);
  const annotations = alert.annotations;
  if (annotations !== undefined && annotations !== null && !isObject(annotations)) {
    errors.add(`${at}.annotations`, 'must be an object of annotation names to strings', index);
  }
  const endsAt = status === 'resolved' ? resolvedAt(alert, at, index, now, errors) : undefined;
  const alertname = labels && textOrUndefined(labels, 'alertname');
  if (labels && alertname === undefined) errors.add(`${at}.labels.alertname`, 'is required: it names the alert', index);
  if (!labels || !alertname || startsAt === undefined || (status !== 'firing' && status !== 'resolved')) return;

  const key = labelSetKey(labels);
  const entity = textOrUndefined(labels, 'instance') ?? textOrUndefined(labels, 'job') ?? CATEGORY;
  const severity =
    status === 'resolved'
      ? Severity.CLEAR
      : (SEVERITY_LABELS.get((labels.severity ?? '').trim().toLowerCase()) ?? ALERTMANAGER_DEFAULT_SEVERITY);
  const description = describe(isObject(annotations) ? annotations : undefined);

  // Built in place (no spreads): this runs for every alert of every notification.
  const record: Record<string, unknown> = extraFields(alert, MAPPED, EVENT_FIELDS);
  record.envcustomerid = customerId;
  // A resend of the same alert in the same state (repeat_interval, its group changed) is the same
  // event; the next time the alert fires it has a new startsAt.
  record.ieventid = `am:${key}:${startsAt}:${status}`;
  record.entity = fitName(entity);
  record.entityid = fitId(entity);
  record.parametercategory = CATEGORY;
  record.parametername = fitName(alertname);
  record.parameterid = fitId(alertname);
  record.splitby = key;
  record.severity = severity;
  if (description !== undefined) record.description = description;
  record.firstoccurrence = startsAt;
  if (endsAt !== undefined) record.lastoccurrence = endsAt;
  record.source = CATEGORY;
  return record;
}

/**
 * The alert's label set as a short hash. Every label takes part, as in Alertmanager's own
 * fingerprint; computed here rather than read from `fingerprint`, so that the identity depends only
 * on what every webhook-v4 sender must send.
 */
const labelSetKey = (labels: Record<string, string>): string =>
  hashHex(
    JSON.stringify(
      Object.keys(labels)
        .sort()
        .map((k) => [k, labels[k]]),
    ),
    16,
  );

/** Labels: an object of strings (Prometheus has no other kind). */
function readLabels(
  labels: unknown,
  at: string,
  index: number,
  errors: BodyErrors,
): Record<string, string> | undefined {
  if (!isObject(labels)) return errors.add(at, 'must be an object of label names to strings', index);
  const wrong = Object.keys(labels).filter((name) => typeof labels[name] !== 'string');
  for (const name of wrong) errors.add(`${at}.${name}`, 'must be a string', index);
  return wrong.length === 0 ? (labels as Record<string, string>) : undefined;
}

/** When a resolved alert ended: its `endsAt`, or the arrival when that is Go's zero time or absent. */
function resolvedAt(
  alert: Record<string, unknown>,
  at: string,
  index: number,
  now: Date,
  errors: BodyErrors,
): string | undefined {
  const endsAt = alert.endsAt;
  if (endsAt === undefined || endsAt === null || endsAt === '') return now.toISOString();
  const ms = parseTimestamp(endsAt);
  if (ms === undefined) return errors.add(`${at}.endsAt`, 'must be an RFC 3339 date-time', index);
  return ms < YEAR_2 ? now.toISOString() : (endsAt as string);
}

/** `summary`, then `description` (or `message`), the annotations rule authors write for people. */
function describe(annotations: Record<string, unknown> | undefined): string | undefined {
  const parts = [
    textOrUndefined(annotations, 'summary'),
    textOrUndefined(annotations, 'description') ?? textOrUndefined(annotations, 'message'),
  ].filter((p): p is string => p !== undefined);
  if (parts.length === 2 && parts[0] === parts[1]) parts.pop();
  return parts.length > 0 ? parts.join('\n') : undefined;
}

const definedOnly = (fields: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));
