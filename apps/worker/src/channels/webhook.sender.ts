import { changeKey, headline, severityName, subject } from './channel-message';
import type { ChannelSender } from './channel-sender';
import { jsonPost } from './channel-sender';
import type { WebhookConfig } from './channel-types';
import { signWebhook } from './standard-webhooks';

/**
 * WEBHOOK: `POST {url}` with a JSON body describing the alert and the change, in the Standard
 * Webhooks shape (`type`, `timestamp`, `data`) and with its headers: `webhook-id` (`msg_` + the
 * change's key: the same for every try of one change, the receiver's dedup key),
 * `webhook-timestamp` (this try's, seconds) and, with a `secret`, `webhook-signature`.
 */
export const webhookSender: ChannelSender<WebhookConfig> = {
  build(config, notice, _state, { now }) {
    const id = `msg_${changeKey(notice)}`;
    const timestamp = Math.floor(now / 1000);
    const request = jsonPost(config.url, {
      type: `alert.${notice.change}`,
      timestamp: notice.occurredAt,
      data: notice.digest
        ? { change: notice.change, summary: headline(notice), digest: notice.digest }
        : {
            change: notice.change,
            summary: headline(notice),
            alert: {
              id: notice.alertId,
              customerId: notice.customerId,
              entity: notice.entity,
              entityId: notice.entityId,
              parameterCategory: notice.parameterCategory,
              parameterId: notice.parameterId,
              parameterName: notice.parameterName,
              splitBy: notice.splitBy,
              title: subject(notice),
              severity: notice.severity,
              severityName: severityName(notice.severity),
              state: notice.state,
              description: notice.description,
              ...(notice.count !== undefined && { count: notice.count }),
              ...(notice.link ? { link: notice.link } : {}),
            },
          },
    });
    request.headers['webhook-id'] = id;
    request.headers['webhook-timestamp'] = String(timestamp);
    // Signed over the very string that is sent.
    if (config.secret) request.headers['webhook-signature'] = signWebhook(config.secret, id, timestamp, request.body!);
    return { request, idempotencyKey: id };
  },
};
