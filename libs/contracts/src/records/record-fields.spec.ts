import { EntityRecord } from './entity.record';
import { EventRecord } from './event.record';
import { HeartbeatRecord } from './heartbeat.record';
import { MetricRecord } from './metric.record';
import { recordFields } from './record-fields';
import { ServiceRecord } from './service.record';

// The known-field sets the writers kept by hand before they were derived: a field dropped from
// (or added to) a record class shows up here.
describe('recordFields', () => {
  it.each([
    [
      EventRecord,
      'envcustomerid toolcustomername ieventid entity entityid parametercategory parametertype parametername parameterid severity description messages firstoccurrence lastoccurrence splitby source',
    ],
    [
      MetricRecord,
      'envcustomerid entityid entity parametercategory parametername parameterid value unit timestamp tags',
    ],
    [EntityRecord, 'envcustomerid entityid entity entitytype attributes relations timestamp deleted'],
    [ServiceRecord, 'envcustomerid serviceid service servicetype entities dependson attributes timestamp deleted'],
    [HeartbeatRecord, 'envcustomerid adapterid adaptername adaptertype status timestamp interval message stats'],
  ])('%p defines exactly its fields', (recordClass, fields) => {
    expect([...recordFields(recordClass)].sort()).toEqual(fields.split(' ').sort());
  });

  it('answers the same set each time', () => {
    expect(recordFields(EventRecord)).toBe(recordFields(EventRecord));
  });
});
