import { Inject, Injectable, Logger } from '@nestjs/common';

import { Errors } from '@sluice/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import type { AlertActionOutcome } from '@sluice/contracts';
import { ALERT_ACTION_JOB_OPTIONS, QueueName, QueueOf, Queues } from '@sluice/queue';

import type { Principal } from '../auth/principal';
import { jobOutcome } from '../queue/job-outcome';
import type { AlertActionDto } from './alert-action.dto';

const NOT_FOUND = 'Alert not found';

/**
 * Spec §10: the gateway hands a user's action to the worker — the one writer of alert state, which
 * applies it under the alert's lock and tells its ITSM ticket and channels as it does for events —
 * and answers with the outcome: applied, or why not (409). A worker that has not taken the job
 * within ALERT_ACTION_WAIT_MS: the job is withdrawn and the answer is a 503 saying nothing changed;
 * one the worker already holds is waited for as long again.
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
    const job = await this.queue.add(
      QueueName.AlertActions,
      {
        requestId,
        customerId,
        alertId,
        action: dto.action,
        note: dto.note ?? null,
        user: { id: user.id, email: user.email },
      },
      { ...ALERT_ACTION_JOB_OPTIONS, jobId: `action-${requestId}` },
    );
    const wait = this.config.alertActionWaitMs;
    let outcome = await jobOutcome<AlertActionOutcome>(this.queue, job.id!, wait);
    if ('pending' in outcome) {
      const withdrawn = await job.remove().then(
        () => true,
        () => false, // the worker holds it: it will end soon
      );
      if (withdrawn) {
        this.logger.warn(`no worker took alert action ${job.id} within ${wait} ms; withdrawn, nothing changed`);
        throw Errors.unavailable(retryAfter);
      }
      outcome = await jobOutcome<AlertActionOutcome>(this.queue, job.id!, wait);
    }
    if ('failed' in outcome || 'pending' in outcome) {
      this.logger.warn(`alert action ${job.id}: ${'failed' in outcome ? outcome.failed : 'still running'}`);
      throw Errors.unavailable(retryAfter);
    }
    const result = outcome.done;
    if ('missing' in result) throw Errors.notFound(NOT_FOUND);
    if ('refused' in result) throw Errors.conflict(result.refused);
    return result;
  }
}
