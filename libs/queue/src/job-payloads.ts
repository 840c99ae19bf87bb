import type { AlertAction, AlertChangeKind, DigestNotice } from '@sluice/contracts';

/** What the gateway enqueues for one accepted publish request: the whole validated batch. */
export interface PublishJob<R> {
  /** The request id (the first one's, for a shared job); also the job id. */
  requestId: string;
  /** When the gateway received the request (ISO-8601; the first one's), for end-to-end latency. */
  receivedAt: string;
  userId: string;
  records: R[];
  /**
   * A shared job (requests that arrived together, coalesced by the gateway): each request, its
   * records in order, `count` of them from where the previous request's ended.
   */
  requests?: PublishRequestPart[];
}

export interface PublishRequestPart {
  requestId: string;
  receivedAt: string;
  userId: string;
  count: number;
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

/** Spec §10: one user's action on one alert of a customer. */
export interface AlertActionJob {
  requestId: string;
  customerId: string;
  alertId: string;
  action: AlertAction;
  note: string | null;
  /** The user who acts, named in the alert's history. */
  user: { id: string; email: string };
  /** Epoch ms after which the gateway has answered 503: the worker then applies nothing. */
  notAfter: number;
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

/**
 * Spec §9's channel deliveries: one alert change for one integration (`change`), the digest of
 * the changes held over an integration's rate (`digest`), or `POST …/test` (`test`).
 */
export const ChannelJobName = { Change: 'change', Digest: 'digest', Test: 'test' } as const;
export type ChannelJobName = (typeof ChannelJobName)[keyof typeof ChannelJobName];

interface ChannelJobBase {
  integrationId: string;
  customerId: string;
}

/** One change of one alert for one integration (planned in the transaction that made it). */
export interface ChannelChangeJob extends ChannelJobBase {
  kind: 'change';
  alertId: string;
  change: AlertChangeKind;
  /** The alert's severity after the change (a resolve's is 0). */
  severity: number;
  /** The alert's count after the change: to tell whether its transaction has committed. */
  count: number;
  /**
   * The change's place among the changes of this alert for this integration (1, 2, …): a job
   * runs only after the one before it has concluded, so a resolve never overtakes its open.
   */
  seq: number;
  /** ISO 8601: with the alert and the change it names the change (the idempotency keys). */
  occurredAt: string;
}

/** The held changes of an integration, sent as one message when due. */
export interface ChannelDigestJob extends ChannelJobBase {
  kind: 'digest';
  /** Set once taken from Redis (the take empties it there), so that a retry sends the same digest. */
  digest?: DigestNotice;
}

/** `POST …/integrations/{TYPE}/test`: one try, its outcome the job's return value. */
export interface ChannelTestJob extends ChannelJobBase {
  kind: 'test';
}

export type ChannelDeliveryJob = ChannelChangeJob | ChannelDigestJob | ChannelTestJob;

/** Scheduled upkeep (maintenance queue): the stale-adapter check and retention. */
export const MaintenanceJobName = { StaleAdapters: 'stale-adapters', Retention: 'retention' } as const;
export type MaintenanceJobName = (typeof MaintenanceJobName)[keyof typeof MaintenanceJobName];

/** A scheduled upkeep job carries no data: its name says what to do. */
export type MaintenanceJob = Record<string, never>;
