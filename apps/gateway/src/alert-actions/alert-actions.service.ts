import { Inject, Injectable, Logger } from '@nestjs/common';

import { Errors } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import type { AlertActionOutcome } from '@sluice/contracts';
import { ALERT_ACTION_JOB_OPTIONS, QueueName, QueueOf, Queues } from '@sluice/queue';

import type { Principal } from '../auth/principal';
import { ALERT_NOT_FOUND } from '../query/alert-params';
import { jobOutcome } from '../queue/job-outcome';
import type { AlertActionDto } from './alert-action.dto';

/**
 * A worker that took the action just before its deadline is given this much longer to finish it,
 * so that its outcome, not a 503, is the answer.
 */
const GRACE_MS = 5_000;

/**
 * Spec §10: the gateway hands a user's action to the worker — the one writer of alert state, which
 * applies it under the alert's lock and tells its ITSM ticket and channels as it does for events —
 * and answers with the outcome: applied, or why not (409). The job carries a deadline
 * (ALERT_ACTION_WAIT_MS from now): a worker that reaches it later applies nothing and says so, and
 * the answer is then a 503 (nothing changed, retry later). Only a worker that began before the
 * deadline and is still busy GRACE_MS after it leaves the outcome unknown: 503 as well, and a
 * retry meets the applied action's 409.
 */
@Injectable()
export class AlertActionsService {
  private readonly logger = new Logger(AlertActionsService.name);
  private readonly queue: QueueOf<QueueName.AlertActions>;

  constructor(
    private readonly queues: Queues,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
  ) {
    this.queue = queues.get(QueueName.AlertActions);
  }

  async act(user: Principal, customerId: string, alertId: string, dto: AlertActionDto, requestId: string) {
    const retryAfter = this.config.queue.retryAfterSeconds;
    if (this.queues.connection.status !== 'ready') throw Errors.unavailable(retryAfter);
    const wait = this.config.alertActionWaitMs;
    const job = await this.queue.add(
      QueueName.AlertActions,
      {
        requestId,
        customerId,
        alertId,
        action: dto.action,
        note: dto.note ?? null,
        user: { id: user.id, email: user.email },
        notAfter: Date.now() + wait,
      },
      { ...ALERT_ACTION_JOB_OPTIONS, jobId: `action-${requestId}` },
    );
    const outcome = await jobOutcome<AlertActionOutcome>(this.queue, job.id!, wait + GRACE_MS);
    if ('pending' in outcome) {
      await job.remove().catch(() => undefined); // not taken: it would only expire
      this.logger.warn(`alert action ${job.id}: no outcome within ${wait + GRACE_MS} ms`);
      throw Errors.unavailable(retryAfter);
    }
    if ('failed' in outcome) {
      this.logger.warn(`alert action ${job.id} failed: ${outcome.failed}`);
      throw Errors.unavailable(retryAfter);
    }
    const result = outcome.done;
    if ('expired' in result) throw Errors.unavailable(retryAfter);
    if ('missing' in result) throw Errors.notFound(ALERT_NOT_FOUND);
    if ('refused' in result) throw Errors.conflict(result.refused);
    return result;
  }
}
