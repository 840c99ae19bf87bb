import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Pool } from 'pg';

import { SecretBox } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import type { ChannelDeliveryStatus, ChannelTestOutcome } from '@sluice/contracts';
import { RECORDED_CHANGE } from '@sluice/contracts';
import { PG_POOL } from '@sluice/database';
import type { ChannelChangeJob, ChannelDigestJob, ChannelTestJob } from '@sluice/queue';
import { ChannelJobName, QueueName, QueueOf, Queues } from '@sluice/queue';

import { RetryableCallError } from '../delivery/http-delivery';
import { releaseToQueue } from '../jobs/job-failure';
import type { ChannelRow, DeliveryRecord, NoticeAlert } from '../persistence/channel.repository';
import { ChannelRepository } from '../persistence/channel.repository';
import { DeliveryMetrics } from '../telemetry/delivery-metrics';
import type { ChannelAttempt, ChannelDeliverySettings } from './channel-delivery';
import { attemptFailure, sendChannelNotice } from './channel-delivery';
import { changeKey } from './channel-message';
import type { ChannelRef } from './channel-rate';
import { ChannelRateLimiter } from './channel-rate';
import { DEFAULT_RATES } from './channel-rates';
import type { AlertChangeNotice, ChannelConfig, ChannelState } from './channel-types';

type ChannelJob<D> = Job<D, unknown, string>;

// A job whose alert is not there yet is retried while its transaction may still commit.
const COMMIT_GRACE_MS = 60_000;
// A change waits for the one before it in its thread (checked again this often), at most for a
// day: a predecessor that vanished (its job removed by hand) must not hold the thread for ever.
const TURN_CHECK_MS = 1000;
const TURN_LIMIT_MS = 86_400_000;

const STATE_AFTER: Record<ChannelChangeJob['change'], AlertChangeNotice['state']> = {
  open: 'OPEN',
  reopen: 'OPEN',
  escalate: 'OPEN',
  acknowledge: 'ACKNOWLEDGED',
  resolve: 'RESOLVED',
};

/** The status of an attempt as recorded. */
function statusOf(attempt: ChannelAttempt, final: boolean): ChannelDeliveryStatus {
  if (attempt.outcome === 'delivered') return 'DELIVERED';
  // Nothing was built (a shut-down service, a configuration no request can be made of).
  if (attempt.outcome === 'permanent' && attempt.idempotencyKey === null) return 'REFUSED';
  return attempt.outcome === 'retryable' && !final ? 'RETRYING' : 'FAILED';
}

const isLastAttempt = (job: Job) => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

/**
 * Runs the channel-deliveries queue (spec §9): for a change, waits its turn in the alert's thread,
 * asks the storm policy (ChannelRateLimiter: send, wait, hold for the digest, or summarised),
 * sends through the service's API (sendChannelNotice: the delivery engine shared with the ITSM
 * notifier), records the attempt in `channel_deliveries` and, once it is final, in the alert's
 * history; a failed attempt is thrown so BullMQ retries it (Retry-After honoured). Digests and
 * tests go the same way without an alert.
 */
@Injectable()
export class ChannelDeliverer {
  private readonly box: SecretBox;
  private readonly limiter: ChannelRateLimiter;
  private readonly settings: ChannelDeliverySettings;
  private readonly queue: QueueOf<QueueName.ChannelDeliveries>;
  /** The due second of the last digest job this process added, per integration. */
  private readonly digestsAsked = new Map<string, number>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SLUICE_CONFIG) config: SluiceConfig,
    queues: Queues,
  ) {
    this.box = new SecretBox(config.secretsKey);
    const rates = Object.fromEntries(
      Object.entries(DEFAULT_RATES).map(([type, rate]) => [
        type,
        { ...rate, digestWindowMs: config.channelDigestWindowMs },
      ]),
    );
    this.limiter = new ChannelRateLimiter(queues.connection, { prefix: config.redisPrefix, rates });
    this.settings = { allowPrivate: config.notifierAllowPrivateNetworks, apiUrls: config.channelApiUrls };
    this.queue = queues.get(QueueName.ChannelDeliveries);
  }

  async change(job: ChannelJob<ChannelChangeJob>, token?: string): Promise<string> {
    const d = job.data;
    const context = await ChannelRepository.changeContext(this.pool, d.customerId, d.integrationId, d.alertId);
    if (!context) return 'integration gone';
    const { integration: row, thread, alert } = context;
    if (!alert || !thread || alert.count < d.count) {
      if (Date.now() - job.timestamp < COMMIT_GRACE_MS)
        throw new RetryableCallError('the alert change is not committed yet');
      return 'alert gone';
    }
    if (thread.done >= d.seq) return 'concluded before';
    if (thread.done < d.seq - 1 && Date.now() - job.timestamp < TURN_LIMIT_MS) {
      return releaseToQueue(job, token, TURN_CHECK_MS);
    }
    if (!row.enabled) {
      await ChannelRepository.skip(this.pool, d.integrationId, d.alertId, d.seq);
      return 'integration disabled';
    }
    const notice = this.noticeOf(alert, d);
    const admission = await this.limiter.admit(refOf(row), notice);
    switch (admission.verdict) {
      case 'wait':
        return releaseToQueue(job, token, admission.waitMs);
      case 'held':
        await this.scheduleDigest(row, admission.digestInMs);
        await this.conclude(
          row,
          alert,
          d,
          this.record(row, d.alertId, d.change, job, 'HELD', undefined, changeKey(notice)),
          'in the next digest',
        );
        return 'held';
      case 'summarised': {
        const summarised = this.record(row, d.alertId, d.change, job, 'SUMMARISED', undefined, changeKey(notice));
        await this.conclude(row, alert, d, summarised, 'the alert was only in digests');
        return 'summarised';
      }
      case 'send':
        break;
    }
    const state: ChannelState = {
      slackTs: thread.slack_ts ?? undefined,
      slackChannel: thread.slack_channel ?? undefined,
    };
    const attempt = await sendChannelNotice(this.configOf(row), notice, state, this.settings);
    const final = attempt.outcome !== 'retryable' || isLastAttempt(job);
    const status = statusOf(attempt, final);
    const key = attempt.idempotencyKey ?? changeKey(notice);
    const delivery = this.record(row, d.alertId, d.change, job, status, attempt, key);
    if (final) {
      const detail = [attempt.status, attempt.error].filter((p) => p !== null).join(': ');
      await this.conclude(row, alert, d, delivery, detail, attempt);
    } else {
      await this.recordDelivery(row, delivery);
    }
    const failure = attemptFailure(attempt);
    if (failure) throw failure;
    return 'delivered';
  }

  /** A change job that will not run again concludes its place in the thread (the next may go). */
  async changeFailed(data: ChannelChangeJob): Promise<void> {
    await ChannelRepository.skip(this.pool, data.integrationId, data.alertId, data.seq);
  }

  async digest(job: ChannelJob<ChannelDigestJob>, token?: string): Promise<string> {
    const d = job.data;
    const row = await ChannelRepository.integration(this.pool, d.customerId, d.integrationId);
    if (!row) return 'integration gone';
    let notice = d.digest;
    if (!notice) {
      notice = await this.limiter.takeDigest(refOf(row));
      if (!notice) {
        const pending = await this.limiter.pendingDigest(refOf(row));
        return pending ? releaseToQueue(job, token, pending.dueInMs) : 'nothing held';
      }
      // Taken is gone from Redis: kept on the job before sending, so a retry sends this digest.
      await job.updateData({ ...d, digest: notice });
    }
    const attempt = await sendChannelNotice(this.configOf(row), notice, {}, this.settings);
    const status = statusOf(attempt, attempt.outcome !== 'retryable' || isLastAttempt(job));
    await this.recordDelivery(
      row,
      this.record(row, null, 'digest', job, status, attempt, attempt.idempotencyKey ?? changeKey(notice)),
    );
    const failure = attemptFailure(attempt);
    if (failure) throw failure;
    return `digest of ${notice.digest.total} delivered`;
  }

  /** `POST …/test`: one try now, whatever the integration's threshold; the outcome is the answer. */
  async test(job: ChannelJob<ChannelTestJob>): Promise<ChannelTestOutcome> {
    const d = job.data;
    const row = await ChannelRepository.integration(this.pool, d.customerId, d.integrationId);
    if (!row)
      return { status: 'FAILED', responseCode: null, error: 'the integration was deleted', idempotencyKey: null };
    const notice = testNotice(d.customerId, String(job.id));
    // Counted against the integration's rate like any message; a human's test is never held.
    await this.limiter.admit(refOf(row), notice);
    const attempt = await sendChannelNotice(this.configOf(row), notice, {}, this.settings);
    const key = attempt.idempotencyKey ?? changeKey(notice);
    const record = this.record(row, null, 'test', job, statusOf(attempt, true), attempt, key);
    await ChannelRepository.record(this.pool, [record]);
    return { status: record.status, responseCode: record.responseCode, error: record.error, idempotencyKey: key };
  }

  /**
   * The digest job of the integration's held changes, due when they are: one job per due second
   * (the same id for every change held in it), and a job that finds its digest not yet due waits.
   */
  private async scheduleDigest(row: ChannelRow, inMs: number): Promise<void> {
    const due = Math.ceil((Date.now() + inMs) / 1000);
    // Every change held in a storm asks for the same job: this process asks Redis once per due second.
    if (this.digestsAsked.get(row.id) === due) return;
    await this.queue.add(
      ChannelJobName.Digest,
      { kind: 'digest', integrationId: row.id, customerId: row.customer_id },
      { jobId: `digest-${row.id}-${due}`, delay: Math.max(0, due * 1000 - Date.now()) },
    );
    this.digestsAsked.set(row.id, due);
  }

  /** Writes a delivery row, then counts it (`sluice_deliveries_total`; a test's is not counted). */
  private async recordDelivery(row: ChannelRow, delivery: DeliveryRecord): Promise<void> {
    await ChannelRepository.record(this.pool, [delivery]);
    DeliveryMetrics.recorded(row.type, delivery.status);
  }

  /** Records the change's last attempt, concludes its place in the thread, and names it in the alert's history. */
  private async conclude(
    row: ChannelRow,
    alert: NoticeAlert,
    d: ChannelChangeJob,
    delivery: DeliveryRecord,
    detail: string,
    attempt?: ChannelAttempt,
  ): Promise<void> {
    await ChannelRepository.conclude(this.pool, {
      delivery: { ...delivery, alertId: d.alertId },
      seq: d.seq,
      slack: { ts: attempt?.state?.slackTs, channel: attempt?.state?.slackChannel },
      history: {
        alertId: d.alertId,
        at: null,
        kind: 'channel',
        fromState: alert.state,
        toState: alert.state,
        fromSeverity: alert.severity,
        toSeverity: alert.severity,
        ieventid: null,
        source: `channel:${row.type}`,
        actor: null,
        note: `${row.type} ${d.change}: ${delivery.status}${detail ? ` (${detail})` : ''}`,
      },
    });
    DeliveryMetrics.recorded(row.type, delivery.status);
  }

  /** A `channel_deliveries` row of this run of the job; no attempt: nothing was sent (held, summarised). */
  private record(
    row: ChannelRow,
    alertId: string | null,
    change: AlertChangeNotice['change'],
    job: Job,
    status: ChannelDeliveryStatus,
    attempt: ChannelAttempt | undefined,
    key: string,
  ): DeliveryRecord {
    return {
      integrationId: row.id,
      customerId: row.customer_id,
      alertId,
      change: RECORDED_CHANGE[change],
      attempt: job.attemptsMade + 1,
      status,
      responseCode: attempt?.status ?? null,
      error: attempt?.error ?? null,
      idempotencyKey: key,
    };
  }

  private noticeOf(alert: NoticeAlert, d: ChannelChangeJob): AlertChangeNotice {
    return {
      alertId: alert.id,
      customerId: d.customerId,
      entity: alert.entity,
      entityId: alert.entityid,
      parameterCategory: alert.parametercategory,
      parameterId: alert.parameterid,
      parameterName: alert.parametername,
      splitBy: alert.splitby,
      severity: d.severity,
      state: STATE_AFTER[d.change],
      description: alert.description,
      change: d.change,
      occurredAt: d.occurredAt,
      count: d.count,
    };
  }

  /** The configuration with its secrets unsealed (they never leave this process but in requests). */
  private configOf(row: ChannelRow): ChannelConfig {
    const secrets = JSON.parse(this.box.open(row.secrets)) as Record<string, string>;
    return {
      ...row.settings,
      ...secrets,
      type: row.type,
      region: row.region,
      minSeverity: row.min_severity,
      enabled: row.enabled,
    } as ChannelConfig;
  }
}

const refOf = (row: ChannelRow): ChannelRef => ({ id: row.id, type: row.type });

/** A test notification: an id of its own (the job's), so each test is a message of its own. */
function testNotice(customerId: string, jobId: string): AlertChangeNotice {
  return {
    alertId: jobId,
    customerId,
    entity: 'Sluice',
    entityId: 'sluice',
    parameterCategory: 'test',
    parameterId: 'test',
    parameterName: 'test notification',
    splitBy: '',
    severity: 2,
    state: 'OPEN',
    description: null,
    change: 'test',
    occurredAt: new Date().toISOString(),
  };
}
