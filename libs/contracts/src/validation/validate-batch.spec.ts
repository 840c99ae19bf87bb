import { EntityRecord } from '../records/entity.record';
import { EventRecord } from '../records/event.record';
import { HeartbeatRecord } from '../records/heartbeat.record';
import { MetricRecord } from '../records/metric.record';
import { ServiceRecord } from '../records/service.record';
import { MAX_BATCH_RECORDS, validateBatch } from './validate-batch';

const event = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  envcustomerid: 'acme',
  ieventid: 'evt-1',
  entity: 'web-01',
  entityid: 'host-4711',
  parametername: 'cpu.utilization',
  severity: 'critical',
  firstoccurrence: '2024-05-01T12:00:00Z',
  ...overrides,
});

const nonEmpty = expect.stringMatching(/\S/);

describe('validateBatch', () => {
  describe('shape of the body (check 3)', () => {
    it.each([
      ['nothing (empty body)', undefined],
      ['null', null],
      ['a number', 42],
      ['a string', 'hello'],
      ['a boolean', true],
      ['an empty array', []],
    ])('refuses %s with one error at index 0', (_, body) => {
      expect(validateBatch(EventRecord, body)).toEqual({
        ok: false,
        errors: [{ index: 0, field: '', error: nonEmpty }],
      });
    });

    it(`refuses a batch of ${MAX_BATCH_RECORDS + 1} records, naming the limit, without validating records`, () => {
      const body = Array.from({ length: MAX_BATCH_RECORDS + 1 }, () => ({}));
      const result = validateBatch(EventRecord, body);
      expect(result).toEqual({ ok: false, errors: [{ index: 0, field: '', error: expect.stringContaining('1000') }] });
    });

    it(`accepts a batch of exactly ${MAX_BATCH_RECORDS} records`, () => {
      const body = Array.from({ length: MAX_BATCH_RECORDS }, (_, i) => event({ ieventid: `evt-${i}` }));
      const result = validateBatch(EventRecord, body);
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.records).toHaveLength(MAX_BATCH_RECORDS);
    });

    it('has a limit of 1000 records (spec §2)', () => {
      expect(MAX_BATCH_RECORDS).toBe(1000);
    });
  });

  describe('records (check 4)', () => {
    it('lists a missing required field as required', () => {
      const record = event();
      delete record.severity;
      expect(validateBatch(EventRecord, record)).toEqual({
        ok: false,
        errors: [{ index: 0, field: 'severity', error: 'severity is required' }],
      });
    });

    it('lists every failing field of every failing record, with its index, and skips good records', () => {
      const body = [
        event({ severity: 'severe', firstoccurrence: 'yesterday' }),
        event(),
        event({ entityid: 12345 }),
        'not a record',
        null,
        [event()],
      ];
      const result = validateBatch(EventRecord, body);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors).toHaveLength(6);
      expect(result.errors).toEqual(
        expect.arrayContaining([
          { index: 0, field: 'severity', error: nonEmpty },
          { index: 0, field: 'firstoccurrence', error: nonEmpty },
          { index: 2, field: 'entityid', error: nonEmpty },
          { index: 3, field: '', error: nonEmpty },
          { index: 4, field: '', error: nonEmpty },
          { index: 5, field: '', error: nonEmpty },
        ]),
      );
      expect(result.errors.some((e) => e.index === 1)).toBe(false);
    });

    it('reports a null required field as wrong, not as missing', () => {
      const result = validateBatch(EventRecord, event({ severity: null }));
      expect(result).toEqual({ ok: false, errors: [{ index: 0, field: 'severity', error: nonEmpty }] });
      if (!result.ok) expect(result.errors[0].error).not.toBe('severity is required');
    });

    it('does not put the refused value into the error', () => {
      const result = validateBatch(EventRecord, event({ severity: 'secret-looking-value' }));
      expect(JSON.stringify(result)).not.toContain('secret-looking-value');
    });

    it.each([
      [
        'metric',
        MetricRecord,
        { envcustomerid: 'acme', entityid: 'h', parametername: 'p', value: '42', timestamp: '2024-05-01T12:00:00Z' },
        'value',
      ],
      [
        'entity',
        EntityRecord,
        {
          envcustomerid: 'acme',
          entityid: 'e',
          entity: 'n',
          entitytype: 't',
          timestamp: '2024-05-01T12:00:00Z',
          relations: [{ relationtype: 'runs_on' }],
        },
        'relations',
      ],
      [
        'service',
        ServiceRecord,
        { envcustomerid: 'acme', serviceid: 's', service: 'S', entities: 'app-7', timestamp: '2024-05-01T12:00:00Z' },
        'entities',
      ],
      [
        'heartbeat',
        HeartbeatRecord,
        {
          envcustomerid: 'acme',
          adapterid: 'a',
          adaptername: 'A',
          status: 'SLEEPING',
          timestamp: '2024-05-01T12:00:00Z',
        },
        'status',
      ],
    ])('checks a %s record against its own class', (_, recordClass, record, field) => {
      expect(validateBatch(recordClass as new () => object, record)).toEqual({
        ok: false,
        errors: [{ index: 0, field, error: nonEmpty }],
      });
    });

    it('is not fooled by a "constructor" field (it would hide the class rules)', () => {
      expect(validateBatch(EventRecord, { envcustomerid: 'acme', constructor: 1 })).toEqual({
        ok: false,
        errors: expect.arrayContaining([{ index: 0, field: 'ieventid', error: 'ieventid is required' }]),
      });
      expect(validateBatch(EventRecord, event({ severity: 'severe', constructor: { name: 'x' } }))).toEqual({
        ok: false,
        errors: [{ index: 0, field: 'severity', error: nonEmpty }],
      });
    });

    it('is not fooled by an own "__proto__" field (JSON.parse makes one)', () => {
      const record = JSON.parse('{"envcustomerid": "acme", "__proto__": {"x": 1}}');
      const result = validateBatch(EventRecord, record);
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.errors).toContainEqual({ index: 0, field: 'ieventid', error: 'ieventid is required' });
    });
  });

  describe('accepted records', () => {
    it('returns a single object as a batch of one: the very object sent, untouched', () => {
      const record = event({ severity: 'Critical' });
      const copy = structuredClone(record);
      const result = validateBatch(EventRecord, record);
      expect(result).toEqual({ ok: true, records: [record] });
      if (result.ok) expect(result.records[0]).toBe(record);
      expect(record).toEqual(copy);
      expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    });

    it('returns the records of a batch in order, as the objects sent', () => {
      const body = [event({ ieventid: 'a' }), event({ ieventid: 'b' }), event({ ieventid: 'c' })];
      const result = validateBatch(EventRecord, body);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.records).toHaveLength(3);
      result.records.forEach((r, i) => expect(r).toBe(body[i]));
    });

    it('keeps unknown extra fields instead of refusing them', () => {
      const record = event({ customfield: 'kept', nested: { deep: [1, 2] }, constructor: 'kept too' });
      const result = validateBatch(EventRecord, record);
      expect(result).toEqual({ ok: true, records: [record] });
      if (result.ok)
        expect(result.records[0]).toMatchObject({
          customfield: 'kept',
          nested: { deep: [1, 2] },
          constructor: 'kept too',
        });
    });

    it('accepts optional fields left out', () => {
      expect(validateBatch(EventRecord, event()).ok).toBe(true);
      expect(
        validateBatch(HeartbeatRecord, {
          envcustomerid: 'acme',
          adapterid: 'a',
          adaptername: 'A',
          status: 'UP',
          timestamp: '2024-05-01T12:00:00Z',
        }).ok,
      ).toBe(true);
    });
  });
});
