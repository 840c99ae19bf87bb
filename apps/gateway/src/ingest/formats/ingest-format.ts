import type { FieldError } from '@sluice/common';

/** The formats of spec §8.2 (`POST /ingest/{format}/{customerId}`). */
export const INGEST_FORMATS = ['alertmanager', 'collectd', 'pagerduty', 'servicenow'] as const;
export type IngestFormatName = (typeof INGEST_FORMATS)[number];

/**
 * What a foreign body becomes: plain records as a native connector would send them to the §2
 * route named here. The ingest route then runs them through exactly the checks of that route
 * (the record class's validation, the customer checks, limits, the queue): a mapping never
 * validates Sluice's rules itself, it only translates.
 */
export interface IngestMapping {
  route: 'allevents' | 'metrics';
  records: Record<string, unknown>[];
  /** The success answer when the sender expects its own (PagerDuty's 202); default §2's 200. */
  answer?: { status: number; body: unknown };
  /** Facts worth one log line (Alertmanager's `truncatedAlerts`, collectd's skipped nulls). */
  notes?: Record<string, number | string>;
}

/** A body the mapping cannot read: 400 with §2's error shape, each problem naming its field. */
export class IngestBodyError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.error}`).join('; '));
  }
}

/** One format: a pure function of the parsed JSON body and the path's customer. */
export interface IngestFormat {
  name: IngestFormatName;
  /** `now`: the time of arrival, for senders that omit one. Throws IngestBodyError. */
  map(body: unknown, customerId: string, now: Date): IngestMapping;
}
