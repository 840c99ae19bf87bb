import type { AlertState } from '@sluice/database';

export interface StatusMapping {
  name: string;
  entityType: string;
  attrValues: { attrValue: string; thirdPartyAttrValue?: string }[];
}

const SERVICENOW_INCIDENT_STATES: Record<string, AlertState> = {
  '1': 'OPEN', // New
  '2': 'ACKNOWLEDGED', // In Progress
  '3': 'ACKNOWLEDGED', // On Hold
  '6': 'RESOLVED', // Resolved
  '7': 'RESOLVED', // Closed
  '8': 'RESOLVED', // Canceled
};
const ALERT_STATES: Record<string, AlertState> = { open: 'OPEN', acknowledged: 'ACKNOWLEDGED', resolved: 'RESOLVED' };

/**
 * Spec §3: the alert state an ITSM state means. First the tenant's inbound mapping (entityType
 * INCIDENT, name Status; its attrValue Open, Acknowledged or Resolved in any case), then
 * ServiceNow's incident states; `undefined` when neither knows the value.
 */
export function alertStateFor(state: number | string, mappings: StatusMapping[]): AlertState | undefined {
  const value = String(state).trim();
  for (const m of mappings) {
    if (m.entityType !== 'INCIDENT' || m.name.toLowerCase() !== 'status') continue;
    for (const v of m.attrValues) {
      if (v.thirdPartyAttrValue !== undefined && v.thirdPartyAttrValue.trim().toLowerCase() === value.toLowerCase()) {
        const mapped = ALERT_STATES[v.attrValue.trim().toLowerCase()];
        if (mapped) return mapped;
      }
    }
  }
  return SERVICENOW_INCIDENT_STATES[value];
}
