import { Severity } from '@sluice/contracts';

import type { AlertInput } from '../alerts/alert.writer';

/** Spec §2.5: an adapter's alert: the adapter is the entity, its heartbeat the parameter. */
export const ADAPTER_ALERT = {
  parametercategory: 'adapter',
  parameterid: 'heartbeat',
  parametername: 'adapter heartbeat',
} as const;
/** DOWN and silent adapters raise a major alert. */
export const ADAPTER_DOWN_SEVERITY = Severity.MAJOR;

export interface AdapterRef {
  envcustomerid: string;
  adapterid: string;
  adaptername: string;
}

/**
 * A synthetic event for an adapter's alert: severity 4 when it is DOWN or STALE, 0 (clear) when
 * it is UP again. `ieventid` names its cause so the alert history says what happened.
 */
export function adapterAlertInput(
  adapter: AdapterRef,
  severity: number,
  cause: string,
  at: number,
  description: string,
): AlertInput {
  return {
    identity: {
      envcustomerid: adapter.envcustomerid,
      entityid: adapter.adapterid,
      parametercategory: ADAPTER_ALERT.parametercategory,
      parameterid: ADAPTER_ALERT.parameterid,
      splitby: '',
    },
    entity: adapter.adaptername,
    parametername: ADAPTER_ALERT.parametername,
    description,
    source: 'sluice',
    events: [
      {
        ieventid: `${cause}:${adapter.adapterid}:${new Date(at).toISOString()}`,
        severity,
        firstoccurrence: at,
        lastoccurrence: at,
      },
    ],
  };
}
