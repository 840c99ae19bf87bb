import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '@sluice/contracts';

import { BodyErrors, fitId, fitName, isObject, optionalText, requireText } from './format-helpers';
import type { IngestFormat, IngestMapping } from './ingest-format';
import { IngestBodyError } from './ingest-format';

/**
 * collectd `write_http` with `Format "JSON"`: an array of value lists, one metric sample per value.
 *
 * A sample is named as collectd names it (`plugin[-plugin_instance]/type[-type_instance]`, the
 * identifier of its own `Command` format without the host), with `/dsname` added when the type has
 * more than one data source (`load/load/shortterm`), as collectd's write_graphite does: a type's
 * data sources never change (types.db), so neither does a series' name.
 *
 * collectd never sends a refused batch again, so nothing a real collectd writes may be refused:
 * `null` values (the first reading of a counter with StoreRates, a non-finite gauge) are skipped
 * and counted in `notes`.
 */

export const collectdFormat: IngestFormat = {
  name: 'collectd',
  map(body, customerId): IngestMapping {
    if (!Array.isArray(body)) {
      throw new IngestBodyError([
        { field: '', error: 'body must be a JSON array of value lists (write_http with Format "JSON")' },
      ]);
    }
    const errors = new BodyErrors();
    const records: Record<string, unknown>[] = [];
    let skipped = 0;
    body.forEach((list: unknown, index) => {
      const samples = mapValueList(list, index, customerId, errors);
      if (samples) {
        records.push(...samples.records);
        skipped += samples.skipped;
      }
    });
    errors.check();

    const mapping: IngestMapping = { route: 'metrics', records };
    if (skipped > 0) mapping.notes = { skippedNulls: skipped };
    return mapping;
  },
};

function mapValueList(
  list: unknown,
  index: number,
  customerId: string,
  errors: BodyErrors,
): { records: Record<string, unknown>[]; skipped: number } | undefined {
  const at = `[${index}]`;
  if (!isObject(list)) return errors.add(at, 'must be a value list object', index);
  const failed = errors.list.length;

  const host = requireText(list, 'host', `${at}.host`, errors, index);
  const plugin = requireText(list, 'plugin', `${at}.plugin`, errors, index);
  const pluginInstance = optionalText(list, 'plugin_instance', `${at}.plugin_instance`, errors, index);
  const type = requireText(list, 'type', `${at}.type`, errors, index);
  const typeInstance = optionalText(list, 'type_instance', `${at}.type_instance`, errors, index);
  const timestamp = readTime(list.time);
  if (timestamp === undefined) errors.add(`${at}.time`, 'must be the time in seconds since the epoch', index);

  const values = list.values;
  if (!Array.isArray(values)) {
    errors.add(`${at}.values`, 'must be an array of numbers (null for no value)', index);
    return;
  }
  // Names only matter (and collectd always sends them) when there is more than one value.
  const dsnames = list.dsnames === undefined && values.length <= 1 ? [] : stringsFor(list.dsnames, values.length);
  if (!dsnames) errors.add(`${at}.dsnames`, 'must be an array of one data-source name per value', index);
  const dstypes = list.dstypes === undefined ? [] : stringsFor(list.dstypes, values.length);
  if (!dstypes) errors.add(`${at}.dstypes`, 'must be an array of one data-source type per value', index);
  values.forEach((v: unknown, i) => {
    if (v !== null && typeof v !== 'number') errors.add(`${at}.values[${i}]`, 'must be a number or null', index);
  });
  if (errors.list.length > failed || !host || !plugin || !type || !timestamp || !dsnames || !dstypes) return;

  const base = `${join(plugin, pluginInstance)}/${join(type, typeInstance)}`;
  const interval = list.interval;
  const records: Record<string, unknown>[] = [];
  let skipped = 0;
  values.forEach((value: number | null, i) => {
    // JSON has no NaN or Infinity: collectd writes them as null; neither is a sample.
    if (value === null || !Number.isFinite(value)) {
      skipped++;
      return;
    }
    const name = values.length > 1 ? `${base}/${dsnames[i]}` : base;
    records.push({
      envcustomerid: customerId,
      entityid: fitId(host),
      entity: fitName(host),
      parametercategory: fitId(plugin),
      parametername: fitName(name),
      parameterid: fitId(name),
      // As sent: with StoreRates a counter or derive value is a rate per second, though dstype still
      // says counter or derive; without it, the raw counter.
      value,
      timestamp,
      // dstype is constant per series, so it may be a tag; interval is not part of the series.
      ...(dstypes[i] === undefined ? {} : { tags: { dstype: dstypes[i] } }),
      ...(typeof interval === 'number' && Number.isFinite(interval) ? { interval } : {}),
      ...(isObject(list.meta) ? { meta: list.meta } : {}),
    });
  });
  return { records, skipped };
}

const join = (name: string, instance: string | undefined) => (instance ? `${name}-${instance}` : name);

/** collectd's `time` (epoch seconds, `%.3f`) as ISO-8601, if it is within the instants Sluice stores. */
function readTime(time: unknown): string | undefined {
  if (typeof time !== 'number' || !Number.isFinite(time)) return undefined;
  const ms = Math.round(time * 1000);
  return ms >= EARLIEST_TIMESTAMP && ms <= LATEST_TIMESTAMP ? new Date(ms).toISOString() : undefined;
}

/** An array of one non-empty string per value, or undefined. */
function stringsFor(list: unknown, length: number): string[] | undefined {
  if (!Array.isArray(list) || list.length !== length) return undefined;
  return list.every((s) => typeof s === 'string' && s.length > 0) ? (list as string[]) : undefined;
}
