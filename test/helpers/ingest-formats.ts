import { validateBatch } from '@sluice/contracts';

import type { IngestMapping } from '../../apps/gateway/src/ingest/formats';
import { IngestBodyError } from '../../apps/gateway/src/ingest/formats';

type Map = (body: unknown) => IngestMapping;

/** The errors a mapping refuses `body` with; fails the test if it maps it instead. */
export function refusalOf(map: Map, body: unknown): IngestBodyError['errors'] {
  try {
    map(body);
  } catch (err) {
    if (err instanceof IngestBodyError) return err.errors;
    throw err;
  }
  throw new Error('mapped a body it should have refused');
}

/**
 * For the property tests: `body` is either refused (IngestBodyError, false) or mapped to records
 * that §2's record class accepts (true); anything else fails the test. `allowEmpty`: a mapping that
 * may map a body to no record at all (collectd, whose null values are skipped).
 */
export function mapsOrRefuses(
  map: Map,
  record: Parameters<typeof validateBatch>[0],
  body: unknown,
  allowEmpty = false,
): boolean {
  let records: IngestMapping['records'];
  try {
    records = map(body).records;
  } catch (err) {
    if (err instanceof IngestBodyError) return false;
    throw err;
  }
  if (!(allowEmpty && records.length === 0)) expect(validateBatch(record, records).ok).toBe(true);
  return true;
}
