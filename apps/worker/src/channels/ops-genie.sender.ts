import { cut, detailLines, headline, severityName } from './channel-message';
import type { ChannelSender } from './channel-sender';
import { jsonPost } from './channel-sender';
import type { OpsGenieConfig } from './channel-types';

/** Sluice's 0..5 to Opsgenie's P1 (highest) … P5. */
export function opsGeniePriority(severity: number): 'P1' | 'P2' | 'P3' | 'P4' | 'P5' {
  if (severity >= 5) return 'P1';
  if (severity === 4) return 'P2';
  if (severity === 3) return 'P3';
  return severity === 2 ? 'P4' : 'P5';
}

/**
 * Opsgenie Alert API v2 on the region's host, `Authorization: GenieKey <key>`. `alias` = the
 * alert id: a create repeated while Opsgenie's alert is open only counts up, and acknowledge and
 * close name it (`/v2/alerts/{alias}/acknowledge|close?identifierType=alias`). Every call
 * answers 202 and is processed asynchronously. (Atlassian ends Opsgenie on 2027-04-05.)
 */
export const opsGenieSender: ChannelSender<OpsGenieConfig> = {
  rateLimitHeaders: ['x-ratelimit-period-in-sec'],

  build(config, notice, _state, { base }) {
    const alias = cut(notice.alertId, 512);
    const auth = { authorization: `GenieKey ${config.apiKey}` };
    if (notice.change === 'acknowledge' || notice.change === 'resolve') {
      const action = notice.change === 'acknowledge' ? 'acknowledge' : 'close';
      return {
        request: jsonPost(
          `${base.url}/v2/alerts/${encodeURIComponent(alias)}/${action}?identifierType=alias`,
          { source: 'Sluice', user: 'Sluice', note: cut(`${headline(notice)} in Sluice`, 25000) },
          auth,
        ),
        idempotencyKey: alias,
      };
    }
    return {
      request: jsonPost(
        `${base.url}/v2/alerts`,
        {
          message: cut(headline(notice), 130),
          alias,
          description: cut(detailLines(notice).join('\n'), 15000),
          priority: notice.change === 'test' ? 'P5' : opsGeniePriority(notice.severity),
          source: 'Sluice',
          entity: cut(notice.entity || notice.entityId, 512),
          tags: ['sluice', `severity:${severityName(notice.severity)}`, `change:${notice.change}`],
          details: {
            alertId: notice.alertId,
            customer: notice.customerId,
            entityId: notice.entityId,
            parameterCategory: notice.parameterCategory,
            parameterId: notice.parameterId,
            splitBy: notice.splitBy,
            state: notice.state,
            change: notice.change,
            // Opsgenie's details are string to string.
            ...(notice.digest && {
              digestTotal: String(notice.digest.total),
              digestByChange: JSON.stringify(notice.digest.byChange),
              digestBySeverity: JSON.stringify(notice.digest.bySeverity),
              digestAlertIds: cut(notice.digest.samples.map((s) => s.alertId).join(','), 8000),
            }),
          },
        },
        auth,
      ),
      idempotencyKey: alias,
    };
  },
};
