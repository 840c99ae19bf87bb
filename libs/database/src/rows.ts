/**
 * Row types and enums shared by the apps, in one place. The enums are Prisma's generated ones
 * (`generated/prisma/enums.ts` holds plain objects and loads no query engine), so the database
 * type and the code cannot disagree. Severities are part of the publish contract: `Severity` and
 * `SEVERITY_NAMES` in @sluice/contracts.
 */
import type { AlertState } from './generated/prisma/enums';

export { AlertState, ChannelRegion, ChannelType, UserType } from './generated/prisma/enums';

/** What an `alert_history` row records (`kind`). */
export type AlertHistoryKind =
  | 'opened'
  | 'severity'
  | 'resolved'
  | 'reopened'
  | 'acknowledged'
  | 'ticket'
  | 'notifyError'
  | 'itsm'
  /** A notification channel's delivery of one change (spec §9). */
  | 'channel'
  /** A user's actions (spec §10); `acknowledged`, `resolved` and `reopened` serve them too. */
  | 'unacknowledged'
  | 'note';

/** An `alerts` row as the worker reads it by id (times as PostgreSQL returns them). */
export interface AlertRow {
  id: string;
  envcustomerid: string;
  entity: string;
  entityid: string;
  parametercategory: string;
  parametername: string;
  parameterid: string;
  splitby: string;
  severity: number;
  previous_severity: number | null;
  state: AlertState;
  count: number;
  description: string | null;
  source: string | null;
  firstoccurrence: Date;
  lastoccurrence: Date;
  resolved_at: Date | null;
  ticket_sysid: string | null;
  ticket_number: string | null;
}

/** An alert's state as the fold computes it: times as epoch milliseconds. */
export interface AlertSnapshot {
  severity: number;
  previousSeverity: number | null;
  state: AlertState;
  count: number;
  firstoccurrence: number;
  lastoccurrence: number;
  resolvedAt: number | null;
}

/** One `alert_history` row to append; `at` null means now (the column's default). */
export interface AlertHistoryRow {
  alertId: string;
  /** Epoch milliseconds. */
  at: number | null;
  kind: AlertHistoryKind;
  fromState: AlertState | null;
  toState: AlertState;
  fromSeverity: number | null;
  toSeverity: number;
  ieventid: string | null;
  source: string | null;
  actor: string | null;
  note: string | null;
}

/** Spec §2.1: what identifies an alert (the `alerts` unique key). Absent category and split are ''. */
export interface AlertIdentity {
  envcustomerid: string;
  entityid: string;
  parametercategory: string;
  parameterid: string;
  splitby: string;
}
