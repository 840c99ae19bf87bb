import type { MapAttribute } from '@sluice/contracts';
import { SEVERITY_NAMES } from '@sluice/contracts';

/** ServiceNow urgency/impact (1 high, 2 medium, 3 low) for a severity, when no mapping says otherwise. */
const DEFAULT_PRIORITY: Record<number, string> = { 5: '1', 4: '2', 3: '2', 2: '3', 1: '3', 0: '3' };
const DEFAULT_RESOLVED_STATE = '6';

function mapped(mappings: MapAttribute[], name: string, values: string[]): string | undefined {
  const wanted = values.map((v) => v.toLowerCase());
  for (const m of mappings) {
    if (m.name.toLowerCase() !== name.toLowerCase() || m.entityType !== 'INCIDENT') continue;
    const hit = m.attrValues.find((v) => wanted.includes(v.attrValue.trim().toLowerCase()));
    if (hit?.thirdPartyAttrValue !== undefined) return hit.thirdPartyAttrValue;
  }
  return undefined;
}

/** §4.1: urgency and impact from the alert's severity, through the outbound `Priority` mapping where given. */
export function priorityFor(severity: number, mappings: MapAttribute[]): string {
  return (
    mapped(mappings, 'Priority', [SEVERITY_NAMES[severity] ?? '', String(severity)]) ??
    DEFAULT_PRIORITY[severity] ??
    '3'
  );
}

/** §4.1: the ITSM state of a resolved ticket, through the outbound `Status` mapping, default 6. */
export function resolvedStateFor(mappings: MapAttribute[]): string {
  return mapped(mappings, 'Status', ['resolved']) ?? DEFAULT_RESOLVED_STATE;
}
