/** Spec §10: what a user may do to an alert (`POST /api/v1/alerts/{id}/actions`). */
export const ALERT_ACTIONS = ['ack', 'unack', 'resolve', 'reopen', 'note'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/** The longest note an action may carry (it is stored in the alert's history). */
export const MAX_ACTION_NOTE_LENGTH = 4000;

type State = 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';

/**
 * What an action does to an alert in `state`: the state it leaves the alert in, or why it does
 * not apply (the 409's message). `note` applies in every state and changes none.
 */
export function alertActionTransition(action: AlertAction, state: State): { to: State } | { refused: string } {
  switch (action) {
    case 'ack':
      return state === 'OPEN'
        ? { to: 'ACKNOWLEDGED' }
        : { refused: `Only an OPEN alert can be acknowledged; this one is ${state}` };
    case 'unack':
      return state === 'ACKNOWLEDGED'
        ? { to: 'OPEN' }
        : { refused: `Only an ACKNOWLEDGED alert can be unacknowledged; this one is ${state}` };
    case 'resolve':
      return state === 'RESOLVED' ? { refused: 'The alert is already RESOLVED' } : { to: 'RESOLVED' };
    case 'reopen':
      return state === 'RESOLVED'
        ? { to: 'OPEN' }
        : { refused: `Only a RESOLVED alert can be reopened; this one is ${state}` };
    case 'note':
      return { to: state };
  }
}

/** What the worker answers for an action job; `expired`: it came after the gateway stopped waiting, and did nothing. */
export type AlertActionOutcome =
  { applied: true; state: State } | { refused: string } | { missing: true } | { expired: true };
