import { Injectable } from '@nestjs/common';

import type { AlertChangeKind } from '@sluice/contracts';
import type { Queryable } from '@sluice/database';
import type { ChannelChangeJob } from '@sluice/queue';
import { ChannelJobName, QueueName, QueueOf, Queues } from '@sluice/queue';

import type { AlertChange } from '../alerts/alert.writer';
import type { ChannelTarget, PlannedChange } from '../persistence/channel.repository';
import { ChannelRepository } from '../persistence/channel.repository';

// As for ITSM calls: the job is queued just before its transaction commits; one that still runs
// first finds its thread or the alert's count not there yet, and retries.
const DELAY_MS = 250;

/** One change of one alert, as the channels are told of it. */
export interface ChannelChangeInput {
  alertId: string;
  customerId: string;
  change: AlertChangeKind;
  /** The alert's severity after the change (a resolve's is 0). */
  severity: number;
  count: number;
  /** Epoch ms: when the change happened. */
  at: number;
}

const RAISING: ReadonlySet<AlertChangeKind> = new Set(['open', 'reopen', 'escalate']);

/** The alert writer's changes that channels hear of: open, reopen, a rise, a resolve, an acknowledge. */
export function channelChangesOf(changes: AlertChange[]): ChannelChangeInput[] {
  const inputs: ChannelChangeInput[] = [];
  for (const c of changes) {
    let change: AlertChangeKind | undefined;
    if (c.state !== 'RESOLVED' && c.opened) change = c.reopened ? 'reopen' : 'open';
    else if (c.state !== 'RESOLVED' && c.escalated) change = 'escalate';
    else if (c.resolved && c.state === 'RESOLVED') change = 'resolve';
    else if (c.acknowledged) change = 'acknowledge';
    if (change) {
      inputs.push({
        alertId: c.id,
        customerId: c.identity.envcustomerid,
        change,
        severity: c.severity,
        count: c.count,
        at: c.at,
      });
    }
  }
  return inputs;
}

/**
 * Spec §9, the decision: an alert that opens, reopens or rises to an enabled integration's
 * `minSeverity` or above gets a job for that integration, and the alert's thread there is opened;
 * an acknowledge or resolve gets a job for every integration whose thread of the alert is open
 * (told of it, not yet told it was resolved), whatever the threshold. One job per (integration,
 * change), numbered within the thread so that each runs after the one before it. Called inside
 * the transaction that changed the alerts: a few set-based statements whatever the batch.
 */
@Injectable()
export class ChannelNotifications {
  private readonly queue: QueueOf<QueueName.ChannelDeliveries>;

  constructor(queues: Queues) {
    this.queue = queues.get(QueueName.ChannelDeliveries);
  }

  async plan(db: Queryable, inputs: ChannelChangeInput[]): Promise<number> {
    if (inputs.length === 0) return 0;
    const targets = await ChannelRepository.enabledOf(db, [...new Set(inputs.map((c) => c.customerId))]);
    if (targets.length === 0) return 0;
    const byCustomer = new Map<string, ChannelTarget[]>();
    for (const t of targets) byCustomer.set(t.customer_id, [...(byCustomer.get(t.customer_id) ?? []), t]);

    const byAlert = new Map(inputs.map((c) => [c.alertId, c]));
    const raising = inputs
      .filter((c) => RAISING.has(c.change))
      .flatMap((c) =>
        (byCustomer.get(c.customerId) ?? [])
          .filter((t) => c.severity >= t.min_severity)
          .map((t) => ({ integrationId: t.id, alertId: c.alertId })),
      );
    const closing = inputs
      .filter((c) => !RAISING.has(c.change) && byCustomer.has(c.customerId))
      .map((c) => ({ alertId: c.alertId, keepOpen: c.change === 'acknowledge' }));

    const planned: PlannedChange[] = [
      ...(await ChannelRepository.raise(db, raising)),
      ...(await ChannelRepository.close(
        db,
        closing,
        targets.map((t) => t.id),
      )),
    ];
    if (planned.length === 0) return 0;
    await this.queue.addBulk(
      planned.map((p) => {
        const c = byAlert.get(p.alert_id)!;
        const data: ChannelChangeJob = {
          kind: 'change',
          integrationId: p.integration_id,
          customerId: c.customerId,
          alertId: c.alertId,
          change: c.change,
          severity: c.severity,
          count: c.count,
          seq: p.planned,
          occurredAt: new Date(c.at).toISOString(),
        };
        return {
          name: ChannelJobName.Change,
          data,
          opts: { delay: DELAY_MS, jobId: `ch-${p.integration_id}-${p.alert_id}-${p.planned}` },
        };
      }),
    );
    return planned.length;
  }
}
