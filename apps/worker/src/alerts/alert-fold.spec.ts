import type { AlertSnapshot, FoldEvent } from './alert-fold';
import { foldEvents } from './alert-fold';

const T0 = Date.UTC(2024, 4, 1, 12);
const ev = (ieventid: string, severity: number, minutes: number): FoldEvent => ({
  ieventid,
  severity,
  firstoccurrence: T0 + minutes * 60_000,
  lastoccurrence: T0 + minutes * 60_000,
});

describe('foldEvents', () => {
  it('opens an alert on the first non-clear event', () => {
    const r = foldEvents(undefined, [ev('a', 5, 0)]);
    expect(r.alert).toEqual({
      severity: 5,
      previousSeverity: null,
      state: 'OPEN',
      count: 1,
      firstoccurrence: T0,
      lastoccurrence: T0,
      resolvedAt: null,
    });
    expect(r.history).toEqual([
      { kind: 'opened', fromState: null, toState: 'OPEN', fromSeverity: null, toSeverity: 5, ieventid: 'a', at: T0 },
    ]);
    expect(r.opened).toBe(true);
  });

  it('ignores a clear event when there is no alert', () => {
    expect(foldEvents(undefined, [ev('a', 0, 0)])).toEqual({
      alert: undefined,
      history: [],
      opened: false,
      resolved: false,
      acknowledged: false,
    });
  });

  it('counts later events, records severity changes and keeps the previous severity', () => {
    const r = foldEvents(undefined, [ev('a', 3, 0), ev('b', 3, 1), ev('c', 5, 2)]);
    expect(r.alert).toMatchObject({
      severity: 5,
      previousSeverity: 3,
      count: 3,
      state: 'OPEN',
      lastoccurrence: T0 + 120_000,
      firstoccurrence: T0,
    });
    expect(r.history.map((h) => [h.kind, h.fromSeverity, h.toSeverity])).toEqual([
      ['opened', null, 3],
      ['severity', 3, 5],
    ]);
  });

  it('folds in order of lastoccurrence, not arrival', () => {
    const r = foldEvents(undefined, [ev('late', 0, 10), ev('early', 4, 0)]);
    expect(r.alert).toMatchObject({ state: 'RESOLVED', severity: 0, previousSeverity: 4, count: 2 });
    expect(r.history.map((h) => h.kind)).toEqual(['opened', 'resolved']);
  });

  it('resolves on a clear event and reopens on a new non-clear one, continuing the count', () => {
    const r = foldEvents(undefined, [ev('a', 4, 0), ev('b', 0, 1), ev('c', 2, 2)]);
    expect(r.alert).toMatchObject({
      state: 'OPEN',
      severity: 2,
      previousSeverity: 0,
      count: 3,
      resolvedAt: null,
      firstoccurrence: T0,
    });
    expect(r.history.map((h) => `${h.kind}:${h.fromState}->${h.toState}`)).toEqual([
      'opened:null->OPEN',
      'resolved:OPEN->RESOLVED',
      'reopened:RESOLVED->OPEN',
    ]);
    expect(r.opened).toBe(true);
    expect(r.resolved).toBe(false);
  });

  it('keeps ACKNOWLEDGED through severity changes and resolves it on a clear', () => {
    const acked: AlertSnapshot = {
      severity: 4,
      previousSeverity: null,
      state: 'ACKNOWLEDGED',
      count: 2,
      firstoccurrence: T0,
      lastoccurrence: T0,
      resolvedAt: null,
    };
    const r1 = foldEvents(acked, [ev('x', 5, 1)]);
    expect(r1.alert).toMatchObject({ state: 'ACKNOWLEDGED', severity: 5, count: 3 });
    const r2 = foldEvents(r1.alert, [ev('y', 0, 2)]);
    expect(r2.alert).toMatchObject({ state: 'RESOLVED', resolvedAt: T0 + 120_000 });
    expect(r2.resolved).toBe(true);
  });

  it('acknowledges an OPEN alert on an acknowledging event, changing nothing else; otherwise nothing', () => {
    const ack = (ieventid: string, minutes: number): FoldEvent => ({ ...ev(ieventid, 1, minutes), acknowledge: true });
    const opened = foldEvents(undefined, [ev('a', 5, 0)]).alert!;
    const r = foldEvents(opened, [ack('k', 1)]);
    expect(r.alert).toEqual({ ...opened, state: 'ACKNOWLEDGED' });
    expect(r.history).toEqual([
      {
        kind: 'acknowledged',
        fromState: 'OPEN',
        toState: 'ACKNOWLEDGED',
        fromSeverity: 5,
        toSeverity: 5,
        ieventid: 'k',
        at: T0 + 60_000,
      },
    ]);
    expect(r.acknowledged).toBe(true);
    // Again, or on no alert, or on a resolved one: nothing.
    expect(foldEvents(r.alert, [ack('k2', 2)])).toMatchObject({ alert: r.alert, history: [], acknowledged: false });
    expect(foldEvents(undefined, [ack('k3', 2)])).toMatchObject({ alert: undefined, history: [] });
    const resolved = foldEvents(opened, [ev('c', 0, 1)]).alert!;
    expect(foldEvents(resolved, [ack('k4', 2)])).toMatchObject({ alert: resolved, history: [] });
    // Opened, acknowledged and cleared in one batch: resolved, not reported as acknowledged.
    const batch = foldEvents(undefined, [ev('a', 5, 0), ack('k5', 1), ev('c', 0, 2)]);
    expect(batch).toMatchObject({ opened: true, resolved: true, acknowledged: false });
  });

  it('counts a late event without letting it change state or severity', () => {
    const open = foldEvents(undefined, [ev('a', 4, 10)]).alert!;
    const r = foldEvents(open, [ev('old', 0, 5)]);
    expect(r.alert).toMatchObject({ state: 'OPEN', severity: 4, count: 2, lastoccurrence: T0 + 600_000 });
    expect(r.history).toEqual([]);
  });

  it('changes nothing for a clear event on a resolved alert', () => {
    const resolved = foldEvents(undefined, [ev('a', 4, 0), ev('b', 0, 1)]).alert!;
    const r = foldEvents(resolved, [ev('c', 0, 2)]);
    expect(r.alert).toEqual(resolved);
    expect(r.history).toEqual([]);
  });

  it('does not modify the alert it was given', () => {
    const open = foldEvents(undefined, [ev('a', 4, 0)]).alert!;
    const copy = { ...open };
    foldEvents(open, [ev('b', 5, 1)]);
    expect(open).toEqual(copy);
  });
});
