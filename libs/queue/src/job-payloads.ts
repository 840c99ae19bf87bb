/** What the gateway enqueues for one accepted publish request: the whole validated batch. */
export interface PublishJob<R> {
  /** The request id; also the job id, so a retried enqueue cannot create a second job. */
  requestId: string;
  /** When the gateway received the request (ISO-8601), for end-to-end latency. */
  receivedAt: string;
  userId: string;
  records: R[];
}

/** Spec §3: a ticket change reported by an ITSM tool, for the alert linked to the ticket. */
export interface ItsmUpdateJob {
  requestId: string;
  receivedAt: string;
  customerId: string;
  alertId: string;
  update: { state: number | string; sysid: string; number?: string; comments?: string; resolvedby?: string };
  /** Who reported it: an installed integration (its token) or a user. */
  via: { integrationId: string } | { userEmail: string };
}

/**
 * §4.1: open a ticket for an alert, or resolve its ticket. The worker re-reads the alert when it
 * runs, so a job whose reason no longer holds (ticket already open, alert resolved) is a no-op.
 */
export interface NotificationJob {
  action: NotificationJobName;
  alertId: string;
  customerId: string;
  /** The alert's count after the change that asked for this, to tell whether it is committed yet. */
  count: number;
}

/**
 * The job names of the two queues whose jobs have names of their own (every other queue's job is
 * named after its queue). Const objects rather than enums, so that a payload's literal type-checks.
 */
export const NotificationJobName = { Open: 'open', Resolve: 'resolve' } as const;
export type NotificationJobName = (typeof NotificationJobName)[keyof typeof NotificationJobName];

/** Scheduled upkeep (maintenance queue): the stale-adapter check and retention. */
export const MaintenanceJobName = { StaleAdapters: 'stale-adapters', Retention: 'retention' } as const;
export type MaintenanceJobName = (typeof MaintenanceJobName)[keyof typeof MaintenanceJobName];

/** A scheduled upkeep job carries no data: its name says what to do. */
export type MaintenanceJob = Record<string, never>;
