import type { Alert, AlertHistory } from '@sluice/database';

/** Spec §6: what the read API shows of an alert ('' category and split are shown as null). */
export const alertView = (a: Alert) => ({
  id: a.id,
  envcustomerid: a.envcustomerid,
  entityid: a.entityid,
  entity: a.entity,
  parametercategory: a.parametercategory || null,
  parameterid: a.parameterid,
  parametername: a.parametername,
  splitby: a.splitby || null,
  severity: a.severity,
  previousSeverity: a.previousSeverity,
  state: a.state,
  count: a.count,
  firstoccurrence: a.firstoccurrence,
  lastoccurrence: a.lastoccurrence,
  resolvedAt: a.resolvedAt,
  description: a.description,
  source: a.source,
  ticket: a.ticketSysid ? { sysid: a.ticketSysid, number: a.ticketNumber } : null,
});

/** An alert with its history, oldest change first (`GET /api/v1/alerts/{id}`, an action's answer). */
export const alertWithHistoryView = ({ alert, history }: { alert: Alert; history: AlertHistory[] }) => ({
  ...alertView(alert),
  history: history.map(historyView),
});

export const historyView = (h: AlertHistory) => ({
  at: h.at,
  kind: h.kind,
  fromState: h.fromState,
  toState: h.toState,
  fromSeverity: h.fromSeverity,
  toSeverity: h.toSeverity,
  ieventid: h.ieventid,
  actor: h.actor,
  source: h.source,
  note: h.note,
});
