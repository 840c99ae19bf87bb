import { cut, detailLines, headline, occurredSeconds } from './channel-message';
import type { ChannelSender } from './channel-sender';
import { answerJson, jsonPost } from './channel-sender';
import type { ChangeKind, VictorOpsConfig } from './channel-types';

/** A REST endpoint without a routing key routes as `everyone` (the usual default team). */
export const DEFAULT_ROUTING_KEY = 'everyone';

const MESSAGE_TYPE: Record<ChangeKind, 'CRITICAL' | 'ACKNOWLEDGEMENT' | 'RECOVERY' | 'INFO'> = {
  open: 'CRITICAL',
  reopen: 'CRITICAL',
  escalate: 'CRITICAL',
  acknowledge: 'ACKNOWLEDGEMENT',
  resolve: 'RECOVERY',
  // INFO opens no incident: a test pages nobody.
  test: 'INFO',
  // One incident for the whole digest (its own entity_id), CRITICAL or WARNING by its highest severity.
  digest: 'CRITICAL',
};

/**
 * VictorOps (Splunk On-Call) REST endpoint:
 * `POST /integrations/generic/20131114/alert/{apiKey}/{routingKey}`, no auth header (the key is in
 * the path). `entity_id` = the alert id, the incident's identity through its life: CRITICAL opens
 * it, ACKNOWLEDGEMENT and RECOVERY with the same id acknowledge and resolve it. An answer of
 * 200 `{result: "failure"}` is a failure.
 */
export const victorOpsSender: ChannelSender<VictorOpsConfig> = {
  build(config, notice, _state, { base }) {
    const routingKey = config.routingKey || DEFAULT_ROUTING_KEY;
    const url = `${base.url}/integrations/generic/20131114/alert/${encodeURIComponent(config.apiKey)}/${encodeURIComponent(routingKey)}`;
    const messageType = notice.change === 'digest' && notice.severity < 4 ? 'WARNING' : MESSAGE_TYPE[notice.change];
    const entityId = notice.alertId;
    return {
      request: jsonPost(url, {
        message_type: messageType,
        entity_id: entityId,
        entity_display_name: cut(headline(notice), 512),
        state_message: cut(detailLines(notice).join('\n'), 4000),
        state_start_time: occurredSeconds(notice),
        timestamp: occurredSeconds(notice),
        monitoring_tool: 'Sluice',
        host_name: notice.entity || notice.entityId,
        ...(messageType === 'ACKNOWLEDGEMENT' && { ack_author: 'Sluice', ack_message: 'Acknowledged in Sluice' }),
        sluice_customer: notice.customerId,
        sluice_change: notice.change,
        ...(notice.digest && {
          sluice_digest_total: notice.digest.total,
          sluice_digest_by_change: notice.digest.byChange,
          sluice_digest_alert_ids: notice.digest.samples.map((s) => s.alertId),
        }),
      }),
      idempotencyKey: entityId,
    };
  },

  read(answer, built) {
    const body = answerJson(answer);
    if (body?.result !== 'failure') return { ok: true };
    const message = typeof body.message === 'string' ? `: ${cut(body.message, 300)}` : '';
    // The URL carries the keys: the delivery engine redacts them from this text.
    const error = `${built.request.method} ${built.request.url} answered ${answer.status} result:failure${message}`;
    return { ok: false, retryable: false, error };
  },
};
