import { Injectable } from '@nestjs/common';
import { NOTIFICATION_JOB_OPTIONS, NotificationJob, QueueName, QueueOf, Queues } from '@sluice/queue';
import type { PoolClient } from 'pg';
import { NotifierConfig } from './notifier-config';

/** What the alert writer knows of each alert it changed. */
export interface NotifiableChange {
  id: string;
  customerId: string;
  severity: number;
  state: 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';
  count: number;
  opened: boolean;
  resolved: boolean;
  escalated: boolean;
  hasTicket: boolean;
}

// A short delay: the job is queued just before its transaction commits, and the notifier reads
// the alert; if it still runs first, it sees no alert or the older count, and retries.
const DELAY_MS = 250;

/**
 * §4.1, the decision: an alert that opens (or reopens, or rises to the threshold without a
 * ticket) at or above its tenant's `minSeverity` gets an `open` job; a resolved alert with a
 * ticket gets a `resolve` job. Called inside the alert writer's transaction; ingestion never
 * waits on an ITSM, only on this one queue write.
 */
@Injectable()
export class AlertNotifications {
  private readonly queue: QueueOf<QueueName.Notifications>;

  constructor(
    queues: Queues,
    private readonly notifiers: NotifierConfig,
  ) {
    this.queue = queues.get(QueueName.Notifications);
  }

  async plan(db: PoolClient, changes: NotifiableChange[]): Promise<number> {
    if (changes.length === 0) return 0;
    const thresholds = await this.notifiers.thresholds(db, [...new Set(changes.map((c) => c.customerId))]);
    const jobs: NotificationJob[] = [];
    for (const c of changes) {
      const min = thresholds.get(c.customerId);
      if (min === undefined) continue;
      if (c.state !== 'RESOLVED' && c.severity >= min && (c.opened || (c.escalated && !c.hasTicket))) {
        jobs.push({ action: 'open', alertId: c.id, customerId: c.customerId, count: c.count });
      } else if (c.resolved && c.hasTicket) {
        jobs.push({ action: 'resolve', alertId: c.id, customerId: c.customerId, count: c.count });
      }
    }
    if (jobs.length > 0) {
      await this.queue.addBulk(
        jobs.map((data) => ({ name: data.action, data, opts: { ...NOTIFICATION_JOB_OPTIONS, delay: DELAY_MS, jobId: `${data.action}-${data.alertId}-${data.count}` } })),
      );
    }
    return jobs.length;
  }
}
