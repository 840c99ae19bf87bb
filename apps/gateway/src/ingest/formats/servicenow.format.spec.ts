import fc from 'fast-check';

import { EventRecord, validateBatch } from '@sluice/contracts';

import { mapsOrRefuses as checkMapping, refusalOf } from '../../../../../test/helpers/ingest-formats';
import serviceNow from './fixtures/servicenow-records.json';
import { serviceNowFormat } from './servicenow.format';

const NOW = new Date('2026-01-01T01:00:10.000Z');
const map = (body: unknown, now = NOW) => serviceNowFormat.map(body, 'acme', now);
const mapOne = (event: Record<string, unknown>, now = NOW) => map({ records: [event] }, now).records[0];
const [cpu, disk, diskClear, http, closing] = serviceNow.records;

const identity = (r: Record<string, unknown>) => [r.entityid, r.parametercategory, r.parameterid, r.splitby];

const bodyErrors = (body: unknown) => refusalOf(map, body);

describe('servicenow format', () => {
  it('maps each record to an event of its node, keyed by message_key or the default key fields', () => {
    const mapping = map(serviceNow);
    expect(mapping.route).toBe('allevents');
    expect(mapping.answer).toBeUndefined();
    expect(mapping.records).toEqual([
      {
        envcustomerid: 'acme',
        ieventid: 'sn:c829a08df9ed4044c684d6fd7c2eb90a',
        entity: 'host1.example.com',
        entityid: 'host1.example.com',
        parametercategory: 'servicenow',
        parametername: 'cpu.busy',
        parameterid: 'sluice:tenant1:host1:cpu',
        severity: 5,
        description: 'CPU > 95%',
        firstoccurrence: '2026-01-01T00:00:00.000Z',
        source: 'Sluice',
        event_class: 'sluice-prod',
        resource: 'cpu0',
        metric_name: 'cpu.busy',
        type: 'CPU',
        message_key: 'sluice:tenant1:host1:cpu',
        additional_info: { value: 97.1, tenant: 'tenant1' },
      },
      {
        envcustomerid: 'acme',
        ieventid: 'sn:4dcc529dd32448043b1d5c71c7c151ca',
        entity: 'db01.example.com',
        entityid: 'db01.example.com',
        parametercategory: 'servicenow',
        parametername: '% Free Space',
        parameterid: 'SCOM+db01.example.com+Disk+C:+% Free Space',
        severity: 2,
        description: 'Free space on C: below 10%',
        firstoccurrence: '2026-01-01T00:05:30.000Z',
        source: 'SCOM',
        event_class: 'scom-prod-01',
        resource: 'C:',
        metric_name: '% Free Space',
        type: 'Disk',
        additional_info: 'free=9.5%; threshold=10%',
      },
      expect.objectContaining({ severity: 0, firstoccurrence: '2026-01-01T00:25:30.000Z' }),
      {
        envcustomerid: 'acme',
        ieventid: 'sn:56180b5234becd9e1a8f86e692d2b6c0',
        entity: 'web01.example.com',
        entityid: 'web01.example.com',
        parametercategory: 'servicenow',
        parametername: 'HTTP',
        parameterid: 'Nagios+web01.example.com+HTTP++',
        severity: 1,
        description: 'HTTP OK: 200 in 0.012 s',
        firstoccurrence: NOW.toISOString(),
        source: 'Nagios',
        type: 'HTTP',
      },
      expect.objectContaining({ severity: 0, resolution_state: 'Closing' }),
    ]);
  });

  it('clears with severity 0 the alert its earlier events opened', () => {
    const [, opened, cleared] = map(serviceNow).records;
    expect(identity(cleared)).toEqual(identity(opened));
    expect(cleared.ieventid).not.toBe(opened.ieventid);
  });

  it.each([
    ['1', 5],
    ['2', 4],
    ['3', 3],
    ['4', 2],
    ['5', 1],
    ['0', 0],
    [' 2 ', 4],
    [3, 3],
  ])('maps severity %p to %i', (severity, expected) => {
    expect(mapOne({ ...cpu, severity }).severity).toBe(expected);
  });

  it('clears whatever the severity when the resolution state is Closing', () => {
    expect(mapOne({ ...cpu, resolution_state: 'Closing' }).severity).toBe(0);
    expect(mapOne({ ...cpu, resolution_state: 'New' }).severity).toBe(5);
  });

  it('gives a resent record the same ieventid; one without time_of_event once per minute', () => {
    expect(mapOne(cpu, new Date('2026-01-02T00:00:00Z')).ieventid).toBe(mapOne(cpu).ieventid);
    expect(mapOne({ ...http }, new Date('2026-01-01T01:00:59.000Z')).ieventid).toBe(mapOne(http).ieventid);
    expect(mapOne(http, new Date('2026-01-01T01:01:00.000Z')).ieventid).not.toBe(mapOne(http).ieventid);
  });

  describe('additional_info', () => {
    const info = (additional_info: unknown) => mapOne({ ...cpu, additional_info }).additional_info;

    it('is the object its JSON text encodes', () => {
      expect(info('{"a":{"b":[1,2]}}')).toEqual({ a: { b: [1, 2] } });
      expect(info('[1,"x"]')).toEqual([1, 'x']);
      expect(info({ already: 'an object' })).toEqual({ already: 'an object' });
    });

    it('stays the text when that is not JSON of an object, or not storable JSON', () => {
      for (const text of ['free=9%', '42', '"quoted"', 'null', '{"a":"\\u0000"}', '{"__proto__":{"x":1}}']) {
        expect(info(text)).toBe(text);
      }
      const deep = `${'['.repeat(70)}${']'.repeat(70)}`;
      expect(info(deep)).toBe(deep);
    });

    it('is absent when not sent', () => {
      expect(mapOne(http)).not.toHaveProperty('additional_info');
    });
  });

  it('never lets a ServiceNow field set a Sluice field it did not map (splitby, parametertype...)', () => {
    const record = mapOne({ ...cpu, splitby: 'x', parametertype: 'y', ieventid: 'z' });
    expect(record).not.toHaveProperty('splitby');
    expect(record).not.toHaveProperty('parametertype');
    expect(record.ieventid).toMatch(/^sn:[0-9a-f]{32}$/);
  });

  it('maps records that the §2 event rules accept', () => {
    expect(validateBatch(EventRecord, map(serviceNow).records).ok).toBe(true);
  });

  describe('refuses a body it cannot read, naming the field', () => {
    it('no records', () => {
      const error = { field: 'records', error: 'must be a non-empty array of events: send {"records": [{...}]}' };
      for (const body of [[cpu], {}, { records: {} }, { records: [] }, 'records']) {
        expect(bodyErrors(body)).toEqual([error]);
      }
    });

    it('every bad record and field, with its index', () => {
      const body = {
        records: [
          cpu,
          null,
          { ...disk, node: '', severity: 'critical' },
          { ...disk, metric_name: undefined, type: undefined, time_of_event: '01/01/2026 00:00' },
          { ...diskClear, description: 12, message_key: ['k'] },
          closing,
        ],
      };
      expect(bodyErrors(body)).toEqual([
        { index: 1, field: 'records[1]', error: 'must be an event object' },
        { index: 2, field: 'records[2].node', error: 'must be the host or CI the event is about' },
        { index: 2, field: 'records[2].severity', error: 'must be "0" (clear) or "1" (critical) to "5" (OK)' },
        {
          index: 3,
          field: 'records[3].metric_name',
          error: 'metric_name or type is required: it names the check',
        },
        { index: 3, field: 'records[3].time_of_event', error: 'must be yyyy-MM-dd HH:mm:ss (GMT)' },
        { index: 4, field: 'records[4].description', error: 'must be a string' },
        { index: 4, field: 'records[4].message_key', error: 'must be a string' },
      ]);
    });
  });

  describe('any JSON (property-based)', () => {
    let mapped = 0;
    const mapsOrRefuses = (body: unknown) => {
      if (checkMapping(map, EventRecord, body)) mapped++;
    };
    const mostly = <T>(valid: fc.Arbitrary<T>) =>
      fc.oneof({ weight: 20, arbitrary: valid }, { weight: 1, arbitrary: fc.anything() });
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 });
    const time = fc
      .date({ noInvalidDate: true, min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z') })
      .map((d) => d.toISOString().replace('T', ' ').slice(0, 19));
    const event = fc.record(
      {
        source: mostly(text),
        node: mostly(text),
        type: mostly(text),
        resource: text,
        metric_name: mostly(text),
        severity: mostly(fc.constantFrom('0', '1', '2', '3', '4', '5')),
        message_key: mostly(text),
        description: mostly(text),
        additional_info: mostly(fc.oneof(fc.json(), text)),
        time_of_event: mostly(time),
        resolution_state: mostly(fc.constantFrom('New', 'Closing')),
      },
      { requiredKeys: ['node', 'severity', 'type'] },
    );

    it('either maps it or throws IngestBodyError', () => {
      fc.assert(fc.property(fc.anything(), mapsOrRefuses), { numRuns: 500 });
    });

    it('jsonv2-shaped bodies too: mapped records always pass the §2 rules', () => {
      mapped = 0;
      const body = fc.record({ records: mostly(fc.array(event, { minLength: 1, maxLength: 3 })) });
      fc.assert(fc.property(body, mapsOrRefuses), { numRuns: 500 });
      expect(mapped).toBeGreaterThan(100);
    });
  });
});
