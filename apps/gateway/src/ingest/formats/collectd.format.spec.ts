import fc from 'fast-check';

import { MetricRecord, validateBatch } from '@sluice/contracts';

import { mapsOrRefuses as checkMapping, refusalOf } from '../../../../../test/helpers/ingest-formats';
import { collectdFormat } from './collectd.format';
import storeRates from './fixtures/collectd-storerates.json';

const NOW = new Date('2026-01-01T01:00:00.000Z');
const map = (body: unknown) => collectdFormat.map(body, 'acme', NOW);
const copy = <T>(value: T): T => structuredClone(value);

const bodyErrors = (body: unknown) => refusalOf(map, body);

const sample = (fields: Record<string, unknown>) => ({
  envcustomerid: 'acme',
  entityid: 'host1.example.com',
  entity: 'host1.example.com',
  interval: 10,
  ...fields,
});

describe('collectd format', () => {
  it('maps every value to a metric sample named as collectd names it, skipping nulls', () => {
    const mapping = map(storeRates);
    expect(mapping.route).toBe('metrics');
    expect(mapping.answer).toBeUndefined();
    expect(mapping.records).toEqual([
      sample({
        parametercategory: 'cpu',
        parametername: 'cpu-0/cpu-user',
        parameterid: 'cpu-0/cpu-user',
        value: 2.00003999958,
        timestamp: '2026-01-01T00:00:10.125Z',
        tags: { dstype: 'derive' },
      }),
      ...[
        ['shortterm', 0.74],
        ['midterm', 0.69],
        ['longterm', 0.66],
      ].map(([ds, value]) =>
        sample({
          parametercategory: 'load',
          parametername: `load/load/${ds}`,
          parameterid: `load/load/${ds}`,
          value,
          timestamp: '2026-01-01T00:00:10.126Z',
          tags: { dstype: 'gauge' },
        }),
      ),
      sample({
        parametercategory: 'memory',
        parametername: 'memory/memory-used',
        parameterid: 'memory/memory-used',
        value: 1523654656,
        timestamp: '2026-01-01T00:00:10.126Z',
        tags: { dstype: 'gauge' },
      }),
      sample({
        parametercategory: 'interface',
        parametername: 'interface-eth0/if_octets/rx',
        parameterid: 'interface-eth0/if_octets/rx',
        value: 1523.40003046801,
        timestamp: '2026-01-01T00:00:10.127Z',
        tags: { dstype: 'derive' },
      }),
      sample({
        parametercategory: 'interface',
        parametername: 'interface-eth0/if_octets/tx',
        parameterid: 'interface-eth0/if_octets/tx',
        value: 842.099983158,
        timestamp: '2026-01-01T00:00:10.127Z',
        tags: { dstype: 'derive' },
      }),
    ]);
    // The first StoreRates reading of cpu idle (one value) and of if_errors (two values).
    expect(mapping.notes).toEqual({ skippedNulls: 3 });
  });

  it('maps records that the §2 metric rules accept', () => {
    const { records } = map(storeRates);
    expect(validateBatch(MetricRecord, records)).toEqual({ ok: true, records });
  });

  it('answers a batch of nothing but nulls with no records rather than refusing it (collectd would lose it)', () => {
    const body = [storeRates[0], storeRates[5]];
    expect(map(body)).toEqual({ route: 'metrics', records: [], notes: { skippedNulls: 3 } });
    expect(map([])).toEqual({ route: 'metrics', records: [] });
  });

  it('keeps meta, names a single value without dsnames, and tags nothing without dstypes', () => {
    const body = [
      {
        values: [42],
        time: 1767225610,
        host: 'host2',
        plugin: 'users',
        type: 'users',
        meta: { 'network:received': true },
      },
    ];
    expect(map(body).records).toEqual([
      {
        envcustomerid: 'acme',
        entityid: 'host2',
        entity: 'host2',
        parametercategory: 'users',
        parametername: 'users/users',
        parameterid: 'users/users',
        value: 42,
        timestamp: '2026-01-01T00:00:10.000Z',
        meta: { 'network:received': true },
      },
    ]);
  });

  it('names the same series the same in every flush', () => {
    // The next flush: the counters that had no rate yet have one now.
    const later = copy(storeRates).map((list) => ({
      ...list,
      time: list.time + 10,
      values: list.values.map((v) => v ?? 1.5),
    }));
    const names = (body: unknown) => map(body).records.map((r) => [r.parameterid, r.tags]);
    expect(names(later)).toHaveLength(10);
    expect(names(later)).toEqual(expect.arrayContaining(names(storeRates)));
  });

  describe('refuses a body it cannot read, naming the field', () => {
    it('not an array', () => {
      for (const body of [{}, 'x', null, { values: [1] }]) {
        expect(bodyErrors(body)).toEqual([
          { field: '', error: 'body must be a JSON array of value lists (write_http with Format "JSON")' },
        ]);
      }
    });

    it('every bad value list and field, with its index', () => {
      const body = [
        storeRates[1],
        42,
        { ...storeRates[1], host: '', time: '1767225610' },
        { ...storeRates[1], values: 'x', plugin: undefined },
        { ...storeRates[2], dsnames: ['shortterm'], dstypes: 'gauge' },
        { ...storeRates[2], values: [1, 'two', null], type_instance: 5 },
        { ...storeRates[1], time: 1e15 },
      ];
      expect(bodyErrors(body)).toEqual([
        { index: 1, field: '[1]', error: 'must be a value list object' },
        { index: 2, field: '[2].host', error: 'must be a non-empty string' },
        { index: 2, field: '[2].time', error: 'must be the time in seconds since the epoch' },
        { index: 3, field: '[3].plugin', error: 'is required: a non-empty string' },
        { index: 3, field: '[3].values', error: 'must be an array of numbers (null for no value)' },
        { index: 4, field: '[4].dsnames', error: 'must be an array of one data-source name per value' },
        { index: 4, field: '[4].dstypes', error: 'must be an array of one data-source type per value' },
        { index: 5, field: '[5].type_instance', error: 'must be a string' },
        { index: 5, field: '[5].values[1]', error: 'must be a number or null' },
        { index: 6, field: '[6].time', error: 'must be the time in seconds since the epoch' },
      ]);
    });
  });

  describe('any JSON (property-based)', () => {
    let mapped = 0;
    const mapsOrRefuses = (body: unknown) => {
      if (checkMapping(map, MetricRecord, body, true)) mapped++;
    };
    const mostly = <T>(valid: fc.Arbitrary<T>) =>
      fc.oneof({ weight: 20, arbitrary: valid }, { weight: 1, arbitrary: fc.anything() });
    const text = fc.string({ unit: 'grapheme', maxLength: 300 });
    const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 });
    const valueList = fc.integer({ min: 1, max: 3 }).chain((n) =>
      fc.record({
        values: mostly(fc.array(fc.oneof(fc.double(), fc.constant(null)), { minLength: n, maxLength: n })),
        dstypes: mostly(
          fc.array(fc.constantFrom('gauge', 'derive', 'counter', 'absolute'), { minLength: n, maxLength: n }),
        ),
        dsnames: mostly(fc.array(name, { minLength: n, maxLength: n })),
        time: mostly(fc.double({ min: -1e11, max: 1e12 })),
        interval: mostly(fc.double()),
        host: mostly(name),
        plugin: mostly(name),
        plugin_instance: mostly(text),
        type: mostly(name),
        type_instance: mostly(text),
      }),
    );

    it('either maps it or throws IngestBodyError', () => {
      fc.assert(fc.property(fc.anything(), mapsOrRefuses), { numRuns: 500 });
    });

    it('write_http-shaped bodies too: mapped records always pass the §2 rules', () => {
      mapped = 0;
      fc.assert(fc.property(mostly(fc.array(valueList, { maxLength: 3 })), mapsOrRefuses), { numRuns: 500 });
      expect(mapped).toBeGreaterThan(100);
    });
  });
});
