import { cut, detailLines, headline, occurredSeconds, severityName } from './channel-message';
import type { ChannelSender } from './channel-sender';
import { jsonPost } from './channel-sender';
import type { AlertChangeNotice, DatadogConfig } from './channel-types';

/** Datadog refuses events older than 18 hours: a late retry is dated a little inside that. */
const OLDEST_SECONDS = 17 * 3600;

function alertType(n: AlertChangeNotice): 'error' | 'warning' | 'info' | 'success' {
  if (n.change === 'resolve') return 'success';
  if (n.change === 'acknowledge' || n.change === 'test') return 'info';
  if (n.severity >= 4) return 'error';
  return n.severity >= 2 ? 'warning' : 'info';
}

/**
 * Datadog Events API v1: `POST /api/v1/events` on the region's site with `DD-API-KEY`. Datadog
 * has no resolve: every change of an alert is an event with the same `aggregation_key` (the
 * alert id), so they roll up together, and a resolve is `alert_type: success`.
 */
export const datadogSender: ChannelSender<DatadogConfig> = {
  rateLimitHeaders: ['x-ratelimit-reset'],

  build(config, notice, _state, { base, now }) {
    const key = cut(notice.alertId, 100);
    return {
      request: jsonPost(
        `${base.url}/api/v1/events`,
        {
          title: cut(headline(notice), 500),
          text: cut(detailLines(notice).join('\n'), 4000),
          alert_type: alertType(notice),
          aggregation_key: key,
          date_happened: Math.max(occurredSeconds(notice), Math.floor(now / 1000) - OLDEST_SECONDS),
          priority: 'normal',
          host: notice.entity || notice.entityId,
          tags: [
            'source:sluice',
            `sluice_alert:${notice.alertId}`,
            `sluice_customer:${notice.customerId}`,
            `change:${notice.change}`,
            `severity:${severityName(notice.severity)}`,
            ...(notice.parameterCategory ? [`category:${notice.parameterCategory}`] : []),
            ...(notice.digest ? [`sluice_digest_total:${notice.digest.total}`] : []),
          ],
        },
        { 'dd-api-key': config.apiKey },
      ),
      idempotencyKey: key,
    };
  },
};
