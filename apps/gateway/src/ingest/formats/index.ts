import { alertmanagerFormat } from './alertmanager.format';
import { collectdFormat } from './collectd.format';
import type { IngestFormat, IngestFormatName } from './ingest-format';
import { pagerDutyFormat } from './pagerduty.format';
import { serviceNowFormat } from './servicenow.format';

export * from './ingest-format';

/** Spec §8.2: the mapping of each `POST /ingest/{format}/{customerId}` format. */
export const INGEST_FORMAT_MAPPERS: Record<IngestFormatName, IngestFormat> = {
  alertmanager: alertmanagerFormat,
  collectd: collectdFormat,
  pagerduty: pagerDutyFormat,
  servicenow: serviceNowFormat,
};
