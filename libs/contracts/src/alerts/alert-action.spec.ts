import { ALERT_ACTIONS, alertActionTransition } from './alert-action';

describe('alertActionTransition (spec §10)', () => {
  const STATES = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'] as const;
  // action → state → the state it leaves, or undefined where the action does not apply.
  const TABLE = {
    ack: { OPEN: 'ACKNOWLEDGED', ACKNOWLEDGED: undefined, RESOLVED: undefined },
    unack: { OPEN: undefined, ACKNOWLEDGED: 'OPEN', RESOLVED: undefined },
    resolve: { OPEN: 'RESOLVED', ACKNOWLEDGED: 'RESOLVED', RESOLVED: undefined },
    reopen: { OPEN: undefined, ACKNOWLEDGED: undefined, RESOLVED: 'OPEN' },
    note: { OPEN: 'OPEN', ACKNOWLEDGED: 'ACKNOWLEDGED', RESOLVED: 'RESOLVED' },
  } as const;

  it.each(ALERT_ACTIONS.flatMap((action) => STATES.map((state) => [action, state] as const)))(
    '%s on %s',
    (action, state) => {
      const expected = TABLE[action][state];
      const result = alertActionTransition(action, state);
      if (expected === undefined) {
        expect(result).toEqual({ refused: expect.stringContaining(state) as string });
      } else {
        expect(result).toEqual({ to: expected });
      }
    },
  );

  it('says what would apply', () => {
    expect(alertActionTransition('ack', 'RESOLVED')).toEqual({
      refused: 'Only an OPEN alert can be acknowledged; this one is RESOLVED',
    });
    expect(alertActionTransition('resolve', 'RESOLVED')).toEqual({ refused: 'The alert is already RESOLVED' });
  });
});
