import { getMetadataStorage, IsString, ValidateNested, validateSync } from 'class-validator';

import { EntityRecord } from '../records/entity.record';
import { EventRecord } from '../records/event.record';
import { HeartbeatRecord } from '../records/heartbeat.record';
import { MetricRecord } from '../records/metric.record';
import { ServiceRecord } from '../records/service.record';
import { compiledRules } from './compiled-rules';

type Json = Record<string, unknown>;

/** class-validator's own verdict, the way validateBatch asks for it. */
function classValidatorPasses(recordClass: new () => object, record: Json): boolean {
  const instance = Object.assign(new recordClass(), record);
  return validateSync(instance, { forbidUnknownValues: false }).length === 0;
}

const VALID: [string, new () => object, Json][] = [
  [
    'event',
    EventRecord,
    {
      envcustomerid: 'acme',
      ieventid: 'e1',
      entity: 'web-01',
      entityid: 'h1',
      parametername: 'cpu',
      severity: 'critical',
      firstoccurrence: '2024-05-01T12:00:00Z',
    },
  ],
  [
    'metric',
    MetricRecord,
    { envcustomerid: 'acme', entityid: 'h1', parametername: 'cpu', value: 42.5, timestamp: '2024-05-01T12:00:00Z' },
  ],
  [
    'entity',
    EntityRecord,
    {
      envcustomerid: 'acme',
      entityid: 'h1',
      entity: 'web-01',
      entitytype: 'host',
      timestamp: '2024-05-01T12:00:00Z',
      relations: [{ targetentityid: 'h2', relationtype: 'runs_on' }],
    },
  ],
  [
    'service',
    ServiceRecord,
    { envcustomerid: 'acme', serviceid: 's1', service: 'Shop', entities: ['h1'], timestamp: '2024-05-01T12:00:00Z' },
  ],
  [
    'heartbeat',
    HeartbeatRecord,
    { envcustomerid: 'acme', adapterid: 'a1', adaptername: 'Nagios', status: 'UP', timestamp: '2024-05-01T12:00:00Z' },
  ],
];

// Values that hit every kind of rule of the record classes, both ways.
const CANDIDATES: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  'acme',
  'bad id!',
  'a'.repeat(65),
  'a'.repeat(257),
  'a'.repeat(1025),
  'a'.repeat(70_000),
  0,
  1,
  5,
  6,
  -1,
  1.5,
  1e308,
  true,
  false,
  [],
  ['a'],
  [''],
  [1],
  [{ targetentityid: 'x', relationtype: 'y' }],
  [{ targetentityid: 'x' }],
  {},
  { a: 'b' },
  { a: 1 },
  { a: 'b'.repeat(2000) },
  '2024-05-01T12:00:00Z',
  '2024-05-01 12:00',
  '2024-13-01T00:00:00Z',
  'yesterday',
  'critical',
  'CRITICAL',
  '3',
  'UP',
  'DOWN',
  'up',
  'SLEEPING',
  'INFO',
];

/** A small deterministic generator, so that a failure names a record that can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe('compiledRules', () => {
  describe.each(VALID)('%s records', (_, recordClass, valid) => {
    const check = compiledRules(recordClass)!;
    const properties = [
      ...new Set(
        getMetadataStorage()
          .getTargetValidationMetadatas(recordClass, '', false, false)
          .map((m) => m.propertyName),
      ),
    ];

    it('compiles (the record classes use only rules it runs itself)', () => {
      expect(check).toEqual(expect.any(Function));
      expect(properties.length).toBeGreaterThan(3);
    });

    it('accepts the valid record, as class-validator does', () => {
      expect(classValidatorPasses(recordClass, valid)).toBe(true);
      expect(check(valid)).toBe(true);
    });

    it('agrees with class-validator on every property set to every candidate value', () => {
      const verdicts = { accepted: 0, refused: 0 };
      for (const property of properties) {
        for (const value of CANDIDATES) {
          const record = { ...valid, [property]: value };
          const expected = classValidatorPasses(recordClass, record);
          expect({ property, value, passes: check(record) }).toEqual({ property, value, passes: expected });
          verdicts[expected ? 'accepted' : 'refused']++;
        }
      }
      // Both answers occur, so the comparison above says something.
      expect(verdicts.accepted).toBeGreaterThan(properties.length);
      expect(verdicts.refused).toBeGreaterThan(properties.length);
    });

    it('agrees with class-validator on 2,000 records with several fields changed at once', () => {
      const random = prng(7);
      for (let n = 0; n < 2000; n++) {
        const record: Json = { ...valid };
        const changes = 1 + Math.floor(random() * 3);
        for (let c = 0; c < changes; c++) {
          record[properties[Math.floor(random() * properties.length)]] =
            CANDIDATES[Math.floor(random() * CANDIDATES.length)];
        }
        if (check(record) !== classValidatorPasses(recordClass, record)) {
          throw new Error(`verdicts differ for ${JSON.stringify(record).slice(0, 500)}`);
        }
      }
    });
  });

  it('gives up on a class with rules it does not run itself (nested validation), so validateSync decides', () => {
    class Inner {
      @IsString()
      name!: string;
    }
    class Outer {
      @ValidateNested()
      inner!: Inner;
    }
    expect(compiledRules(Outer)).toBeNull();
    expect(compiledRules(Inner)).toEqual(expect.any(Function));
  });
});
