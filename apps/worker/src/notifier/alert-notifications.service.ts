import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';

import { NOTIFICATION_JOB_OPTIONS, NotificationJob, QueueName, QueueOf, Queues } from '@sluice/queue';

import type { AlertChange } from '../alerts/alert.writer';
import { channelChangesOf, ChannelNotifications } from '../channels/channel-notifications.service';
import { IntegrationRepository } from '../persistence/integration.repository';

// A short delay: the job is queued just before its transaction commits, and the notifier reads
// the alert; if it still runs first, it sees no alert or the older count, and retries.
const DELAY_MS = 250;

/**
 * §4.1, the decision (and §9's, through ChannelNotifications): an alert that opens (or reopens, or rises to the threshold without a
 * ticket) at or above its tenant's `minSeverity` gets an `open` job; a resolved alert with a
 * ticket gets a `resolve` job. Called with the alert writer's changes inside its transaction;
 * ingestion never waits on an ITSM, only on this one queue write.
 */
@Injectable()
export class AlertNotifications {
  private readonly queue: QueueOf<QueueName.Notifications>;

  constructor(
    queues: Queues,
    private readonly channels: ChannelNotifications,
  ) {
    this.queue = queues.get(QueueName.Notifications);
  }

  /** Plans the ITSM calls and the channel deliveries of the changes; answers the ITSM jobs queued. */
  async plan(db: PoolClient, changes: AlertChange[]): Promise<number> {
    if (changes.length === 0) return 0;
    await this.channels.plan(db, channelChangesOf(changes));
    const tenants = [...new Set(changes.map((c) => c.identity.envcustomerid))];
    const thresholds = await IntegrationRepository.notifierThresholds(db, tenants);
    const jobs: { data: NotificationJob; key: string | number }[] = [];
    for (const c of changes) {
      const customerId = c.identity.envcustomerid;
      const min = thresholds.get(customerId);
      if (min === undefined) continue;
      if (c.state !== 'RESOLVED' && c.severity >= min && (c.opened || (c.escalated && !c.hasTicket))) {
        jobs.push({ data: { action: 'open', alertId: c.id, customerId, count: c.count }, key: c.jobKey ?? c.count });
      } else if (c.resolved && c.hasTicket) {
        jobs.push({ data: { action: 'resolve', alertId: c.id, customerId, count: c.count }, key: c.jobKey ?? c.count });
      }
    }
    if (jobs.length > 0) {
      await this.queue.addBulk(
        jobs.map(({ data, key }) => ({
          name: data.action,
          data,
          opts: { ...NOTIFICATION_JOB_OPTIONS, delay: DELAY_MS, jobId: `${data.action}-${data.alertId}-${key}` },
        })),
      );
    }
    return jobs.length;
  }
}
