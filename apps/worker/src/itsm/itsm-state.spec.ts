import type { StatusMapping } from './itsm-state';
import { alertStateFor } from './itsm-state';

const custom: StatusMapping[] = [
  { name: 'Priority', entityType: 'INCIDENT', attrValues: [{ attrValue: 'Resolved', thirdPartyAttrValue: 'High' }] },
  {
    name: 'Status',
    entityType: 'SERVICEREQUEST',
    attrValues: [{ attrValue: 'Resolved', thirdPartyAttrValue: 'Done' }],
  },
  {
    name: 'status',
    entityType: 'INCIDENT',
    attrValues: [
      { attrValue: 'resolved', thirdPartyAttrValue: 'Completed' },
      { attrValue: 'ACKNOWLEDGED', thirdPartyAttrValue: 'Working' },
      { attrValue: 'Closed', thirdPartyAttrValue: 'Shut' },
      { attrValue: 'Open', thirdPartyAttrValue: '6' },
    ],
  },
];

describe('alertStateFor', () => {
  it("follows ServiceNow's incident states by default", () => {
    expect([1, 2, 3, 6, 7, 8].map((s) => alertStateFor(s, []))).toEqual([
      'OPEN',
      'ACKNOWLEDGED',
      'ACKNOWLEDGED',
      'RESOLVED',
      'RESOLVED',
      'RESOLVED',
    ]);
    expect(alertStateFor('6', [])).toBe('RESOLVED');
    expect(alertStateFor(' 2 ', [])).toBe('ACKNOWLEDGED');
  });

  it('leaves unknown values unmapped', () => {
    expect(alertStateFor(4, [])).toBeUndefined();
    expect(alertStateFor('Completed', [])).toBeUndefined();
  });

  it("uses the tenant's INCIDENT Status mapping first, any case", () => {
    expect(alertStateFor('Completed', custom)).toBe('RESOLVED');
    expect(alertStateFor('completed', custom)).toBe('RESOLVED');
    expect(alertStateFor('WORKING', custom)).toBe('ACKNOWLEDGED');
    expect(alertStateFor(6, custom)).toBe('OPEN');
  });

  it('ignores other entity types and names, and attrValues that are no alert state', () => {
    expect(alertStateFor('High', custom)).toBeUndefined();
    expect(alertStateFor('Done', custom)).toBeUndefined();
    expect(alertStateFor('Shut', custom)).toBeUndefined();
  });
});
