import type { MapAttribute } from '@sluice/contracts';

import type { MapAttributeDto } from './integration.dto';

export type { MapAttribute };

const ENTITY_PREFIX: Record<MapAttributeDto['entityType'], string> = {
  ALERT: 'alert',
  PROBLEM: 'problem',
  INCIDENT: 'incident',
  CHANGE: 'change',
  SERVICEREQUEST: 'serviceRequest',
  TASK: 'task',
};

/**
 * Seed 000's attribute mappings in canonical form: the `tenant*` spellings become `thirdParty*`,
 * and `attrName` (e.g. `incident.status.name`) is added as the seed's responses show it.
 */
export function canonicalMapAttributes(list: MapAttributeDto[]): MapAttribute[] {
  return list.map((m) => {
    const thirdPartyAttrName = m.thirdPartyAttrName ?? m.tenantAttrName;
    const thirdPartyEntityType = m.thirdPartyEntityType ?? m.tenantEntityType;
    return {
      name: m.name,
      attrName: `${ENTITY_PREFIX[m.entityType]}.${m.name.charAt(0).toLowerCase()}${m.name.slice(1)}.name`,
      ...(thirdPartyAttrName !== undefined && { thirdPartyAttrName }),
      entityType: m.entityType,
      ...(thirdPartyEntityType !== undefined && { thirdPartyEntityType }),
      attrValues: m.attrValues.map((v) => {
        const thirdPartyAttrValue = v.thirdPartyAttrValue ?? v.tenantAttrValue;
        return { attrValue: v.attrValue, ...(thirdPartyAttrValue !== undefined && { thirdPartyAttrValue }) };
      }),
    };
  });
}
