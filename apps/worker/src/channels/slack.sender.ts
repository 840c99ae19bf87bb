import { changeKey, cut, detailLines, headline } from './channel-message';
import type { ChannelSender } from './channel-sender';
import { answerJson, jsonPost } from './channel-sender';
import type { SlackConfig } from './channel-types';

/** Slack errors (HTTP 200, `ok: false`) that a later try can get past; any other is final. */
const RETRYABLE_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** Slack's three control characters: an alert's text cannot ping `<!channel>` or forge a link. */
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Slack Web API `chat.postMessage` with the bot token as `Authorization: Bearer`. The first
 * message of an alert goes to the channel and its `ts` comes back as state; every later change
 * of the alert is a reply in that thread (reopen, escalate and resolve also shown in the channel:
 * `reply_broadcast`). Slack keeps no dedup key: the change's key rides in the message metadata
 * so a repeat is recognisable. Slack answers errors with 200 `{ok: false, error}`.
 */
export const slackSender: ChannelSender<SlackConfig> = {
  build(config, notice, state, { base }) {
    const channel = state.slackChannel ?? config.channelName;
    if (!channel) return { refused: 'SLACK integration has no channelName: there is no channel to post to' };
    const key = changeKey(notice);
    // Opens, tests and digests start a message of their own; a digest belongs to no alert's thread.
    const thread = notice.change !== 'open' && notice.change !== 'test' && !notice.digest ? state.slackTs : undefined;
    const title = cut(headline(notice), 150);
    const details = escape(detailLines(notice).join('\n'));
    return {
      request: jsonPost(
        `${base.url}/api/chat.postMessage`,
        {
          channel,
          text: cut(`${escape(title)}\n${details}`, 3000),
          blocks: [
            { type: 'header', text: { type: 'plain_text', text: title } },
            { type: 'section', text: { type: 'mrkdwn', text: cut(details, 3000) } },
          ],
          ...(thread ? { thread_ts: thread, reply_broadcast: notice.change !== 'acknowledge' } : {}),
          metadata: {
            event_type: 'sluice_alert_change',
            event_payload: { alert_id: notice.alertId, change: notice.change, change_key: key },
          },
        },
        { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${config.apiToken}` },
      ),
      idempotencyKey: key,
    };
  },

  read(answer, built, notice) {
    const body = answerJson(answer);
    if (body?.ok !== true) {
      const error = typeof body?.error === 'string' ? body.error : 'no ok:true in the answer';
      const retryAfter = Number(answer.headers['retry-after']);
      return {
        ok: false,
        retryable: RETRYABLE_ERRORS.has(error),
        error: `${built.request.method} ${built.request.url} answered ${answer.status} ok:false: ${error}`,
        retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      };
    }
    const sent = JSON.parse(built.request.body!) as { thread_ts?: string };
    // A top-level message starts the alert's thread: its ts (and the channel's id) are kept.
    if (sent.thread_ts || notice.digest || typeof body.ts !== 'string') return { ok: true };
    return {
      ok: true,
      state: { slackTs: body.ts, ...(typeof body.channel === 'string' && { slackChannel: body.channel }) },
    };
  },
};
