import type { MapAttribute } from '@sluice/contracts';

import { priorityFor, resolvedStateFor } from './incident-fields';

const mappings: MapAttribute[] = [
  {
    name: 'Priority',
    attrName: 'incident.priority.name',
    entityType: 'INCIDENT',
    attrValues: [
      { attrValue: 'Critical', thirdPartyAttrValue: 'P1' },
      { attrValue: '4', thirdPartyAttrValue: 'P2' },
    ],
  },
  {
    name: 'Status',
    attrName: 'incident.status.name',
    entityType: 'INCIDENT',
    attrValues: [{ attrValue: 'RESOLVED', thirdPartyAttrValue: 'Completed' }],
  },
  {
    name: 'Priority',
    attrName: 'problem.priority.name',
    entityType: 'PROBLEM',
    attrValues: [{ attrValue: 'Minor', thirdPartyAttrValue: 'never' }],
  },
];

describe('incident fields', () => {
  it('maps severity to ServiceNow urgency/impact by default', () => {
    expect([5, 4, 3, 2, 1].map((s) => priorityFor(s, []))).toEqual(['1', '2', '2', '3', '3']);
  });

  it('uses the INCIDENT Priority mapping by severity name or number', () => {
    expect(priorityFor(5, mappings)).toBe('P1');
    expect(priorityFor(4, mappings)).toBe('P2');
    expect(priorityFor(3, mappings)).toBe('2');
  });

  it('resolves with state 6 unless the Status mapping names another', () => {
    expect(resolvedStateFor([])).toBe('6');
    expect(resolvedStateFor(mappings)).toBe('Completed');
  });
});
