import { changeKey, cut, headline, occurredSeconds, severityName } from './channel-message';
import type { ChannelSender } from './channel-sender';
import { jsonPost } from './channel-sender';
import type { NewRelicConfig } from './channel-types';

/** The Event API's longest attribute value. */
const MAX_VALUE = 4096;

/**
 * New Relic Event API: `POST /v1/accounts/{accountId}/events` on the region's collector, the
 * Insights insert key as `X-Insert-Key` (else the license key as `Api-Key`), a JSON array of
 * `SluiceAlert` events. New Relic keeps no alert state: each change is one more event of the
 * alert (`alertId`), and `changeKey` lets a query drop a repeat.
 */
export const newRelicSender: ChannelSender<NewRelicConfig> = {
  build(config, notice, _state, { base }) {
    const key = changeKey(notice);
    const auth: Record<string, string> = config.writeToken
      ? { 'x-insert-key': config.writeToken }
      : { 'api-key': config.licenseKey };
    return {
      request: jsonPost(
        `${base.url}/v1/accounts/${encodeURIComponent(config.accountId)}/events`,
        [
          {
            eventType: 'SluiceAlert',
            timestamp: occurredSeconds(notice),
            alertId: notice.alertId,
            changeKey: key,
            change: notice.change,
            state: notice.state,
            severity: notice.severity,
            severityName: severityName(notice.severity),
            title: cut(headline(notice), MAX_VALUE),
            customer: notice.customerId,
            entity: cut(notice.entity, MAX_VALUE),
            entityId: cut(notice.entityId, MAX_VALUE),
            parameterCategory: cut(notice.parameterCategory, MAX_VALUE),
            parameterId: cut(notice.parameterId, MAX_VALUE),
            parameterName: cut(notice.parameterName, MAX_VALUE),
            splitBy: cut(notice.splitBy, MAX_VALUE),
            ...(notice.description ? { description: cut(notice.description, MAX_VALUE) } : {}),
            ...(notice.count !== undefined && { count: notice.count }),
            // Event attributes are scalars: a digest's counts ride as JSON text.
            ...(notice.digest && {
              digestTotal: notice.digest.total,
              digestByChange: cut(JSON.stringify(notice.digest.byChange), MAX_VALUE),
              digestBySeverity: cut(JSON.stringify(notice.digest.bySeverity), MAX_VALUE),
              digestAlertIds: cut(notice.digest.samples.map((s) => s.alertId).join(','), MAX_VALUE),
            }),
          },
        ],
        auth,
      ),
      idempotencyKey: key,
    };
  },
};
