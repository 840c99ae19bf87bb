import { cut, detailLines, headline, severityName } from './channel-message';
import type { ChannelSender } from './channel-sender';
import { jsonPost } from './channel-sender';
import type { ChangeKind, DigestSummary, PagerDutyConfig } from './channel-types';

const ACTION: Record<ChangeKind, 'trigger' | 'acknowledge' | 'resolve'> = {
  open: 'trigger',
  reopen: 'trigger',
  escalate: 'trigger',
  test: 'trigger',
  acknowledge: 'acknowledge',
  resolve: 'resolve',
  // A digest is one aggregate incident keyed by its own id (integration + window), never one per alert.
  digest: 'trigger',
};

/** Sluice's 0..5 to the Events API's four severities. */
export function pagerDutySeverity(severity: number): 'critical' | 'error' | 'warning' | 'info' {
  if (severity >= 5) return 'critical';
  if (severity === 4) return 'error';
  if (severity >= 2) return 'warning';
  return 'info';
}

/** A digest's counts and the alerts it names, for `custom_details`. */
export const digestDetails = (d: DigestSummary) => ({
  total: d.total,
  by_change: d.byChange,
  by_severity: d.bySeverity,
  first: d.first,
  last: d.last,
  alert_ids: d.samples.map((s) => s.alertId),
  omitted: d.omitted,
});

/**
 * PagerDuty Events API v2: `POST /v2/enqueue`, no auth header (the integration key is the body's
 * `routing_key`). `dedup_key` = the alert id, so a trigger repeated joins the open incident and
 * acknowledge/resolve reach it; after a resolve, a trigger with the same key opens a new one
 * (a reopened alert). Answers 202 `{status: "success", dedup_key}`.
 */
export const pagerDutySender: ChannelSender<PagerDutyConfig> = {
  build(config, notice, _state, { base }) {
    const action = ACTION[notice.change];
    const dedupKey = cut(notice.alertId, 255);
    const url = `${base.url}/v2/enqueue`;
    if (action !== 'trigger')
      return {
        request: jsonPost(url, { routing_key: config.serviceKey, event_action: action, dedup_key: dedupKey }),
        idempotencyKey: dedupKey,
      };
    return {
      request: jsonPost(url, {
        routing_key: config.serviceKey,
        event_action: 'trigger',
        dedup_key: dedupKey,
        payload: {
          summary: cut(headline(notice), 1024),
          source: notice.entity || notice.entityId,
          severity: notice.change === 'test' ? 'info' : pagerDutySeverity(notice.severity),
          timestamp: notice.occurredAt,
          component: notice.parameterName || notice.parameterId,
          group: notice.parameterCategory || undefined,
          class: notice.parameterId,
          custom_details: {
            alert_id: notice.alertId,
            customer: notice.customerId,
            entity_id: notice.entityId,
            split_by: notice.splitBy || undefined,
            severity: severityName(notice.severity),
            state: notice.state,
            change: notice.change,
            details: detailLines(notice).join('\n'),
            ...(notice.digest && { digest: digestDetails(notice.digest) }),
          },
        },
        client: 'Sluice',
        ...(notice.link ? { client_url: notice.link } : {}),
      }),
      idempotencyKey: dedupKey,
    };
  },
};
