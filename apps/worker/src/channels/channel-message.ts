import { createHash } from 'node:crypto';

import { SEVERITY_NAMES } from '@sluice/contracts';

import type { AlertChangeNotice, ChangeKind, DigestSummary } from './channel-types';

/** `clear` … `critical`; a number outside 0..5 as itself. */
export const severityName = (severity: number): string => SEVERITY_NAMES[severity] ?? String(severity);

/** What the alert is about: `host1: CPU load (core0)`. */
export function subject(n: AlertChangeNotice): string {
  return `${n.entity}: ${n.parameterName || n.parameterId}${n.splitBy ? ` (${n.splitBy})` : ''}`;
}

const VERB: Record<ChangeKind, string> = {
  open: 'opened',
  reopen: 'reopened',
  escalate: 'rose to',
  acknowledge: 'acknowledged',
  resolve: 'resolved',
  test: 'test',
  digest: 'digest',
};

/** One line naming the change: `[CRITICAL] host1: cpu`, `[RESOLVED] host1: cpu`, `[TEST] …`. */
export function headline(n: AlertChangeNotice): string {
  if (n.digest) return `[STORM] ${n.digest.total} alert changes held over the rate (${countList(n.digest.byChange)})`;
  if (n.change === 'test') return '[TEST] Sluice test notification';
  if (n.change === 'acknowledge' || n.change === 'resolve') return `[${VERB[n.change].toUpperCase()}] ${subject(n)}`;
  const tag = severityName(n.severity).toUpperCase();
  if (n.change === 'open') return `[${tag}] ${subject(n)}`;
  return `[${tag}] ${subject(n)} (${VERB[n.change]}${n.change === 'escalate' ? ` ${severityName(n.severity)}` : ''})`;
}

/** The lines every text message shares: what, severity, state, description, the alert. */
export function detailLines(n: AlertChangeNotice): string[] {
  if (n.digest) return digestLines(n.digest);
  if (n.change === 'test') return ['A test notification from Sluice: this integration is set up.'];
  return [
    ...(n.description ? [n.description] : []),
    `Entity: ${n.entity} (${n.entityId})`,
    `Severity: ${severityName(n.severity)} (${n.severity}), state ${n.state}`,
    ...(n.count !== undefined ? [`Occurrences: ${n.count}`] : []),
    `Sluice alert: ${n.alertId}${n.link ? ` ${n.link}` : ''}`,
  ];
}

/**
 * The change's own key: the same (alert, change, time) always gives the same key, so a job run
 * again carries it again (webhook-id, New Relic's and Slack's message keys).
 */
export function changeKey(n: AlertChangeNotice): string {
  return createHash('sha256')
    .update(JSON.stringify([n.alertId, n.change, n.occurredAt]))
    .digest('hex')
    .slice(0, 32);
}

/** Epoch seconds of the change. */
export const occurredSeconds = (n: AlertChangeNotice): number => Math.floor(Date.parse(n.occurredAt) / 1000);

/** `text` cut to `max` characters (an ellipsis marking the cut). */
export const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** `open 300, escalate 80`: a count per key, largest first. */
function countList(counts: Partial<Record<string, number>>, name: (key: string) => string = (k) => k): string {
  return Object.entries(counts)
    .filter((e): e is [string, number] => !!e[1])
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${name(k)} ${v}`)
    .join(', ');
}

/** How many held changes a digest names in its text (the rest are counted). */
export const DIGEST_TEXT_SAMPLES = 20;

/** A digest's text: the counts, then the first changes held, then how many more. */
export function digestLines(d: DigestSummary): string[] {
  const shown = d.samples.slice(0, DIGEST_TEXT_SAMPLES);
  const more = d.total - shown.length;
  return [
    `Sluice held ${d.total} alert changes from ${d.first} to ${d.last}: more than this integration's rate allows, so they are summarised here.`,
    `By change: ${countList(d.byChange)}`,
    `By severity: ${countList(d.bySeverity, (s) => severityName(Number(s)))}`,
    ...shown.map((s) => `- ${s.headline} (alert ${s.alertId}, ${s.change} at ${s.occurredAt})`),
    ...(more > 0 ? [`… and ${more} more`] : []),
  ];
}
