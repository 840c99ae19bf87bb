import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { ContractError } from '@sluice/common';

import { TimeRangeQueryDto } from './query.dto';
import { queryTime, timeBound } from './time-range';

const refusedFields = (query: Record<string, string>) =>
  validateSync(plainToInstance(TimeRangeQueryDto, query)).map((e) => e.property);

describe('query time bounds', () => {
  it('read every form record timestamps take, a time without a zone as UTC', () => {
    expect(queryTime('2024-05-01T12:00:00+02', 'from').toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(queryTime('2024-05-01T12:00:00+0200', 'from').toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(queryTime('2024-05-01 12:00', 'from').toISOString()).toBe('2024-05-01T12:00:00.000Z');
    expect(queryTime('0001-01-01T00:00:00Z', 'from').toISOString()).toBe('0001-01-01T00:00:00.000Z');
  });

  it('are validated by the same rules: forms `new Date` cannot read, and instants PostgreSQL cannot store, are refused', () => {
    for (const from of [
      '2024-W18',
      '2024-122',
      '20240501T120000Z',
      '2024-05-01T12:00:00,5Z',
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59-23:59',
    ]) {
      expect(refusedFields({ from })).toEqual(['from']);
    }
    expect(refusedFields({ from: '0001-01-01T00:00:00Z', to: '2024-05-01T12:00:00+02' })).toEqual([]);
  });

  it('answer 400 naming the field for a bound that bypassed validation, and for from after to', () => {
    expect(() => queryTime('2024-W18', 'to')).toThrow(ContractError);
    expect(() => timeBound('2024-05-02T00:00:00Z', '2024-05-01T00:00:00Z')).toThrow(ContractError);
    expect(timeBound('2024-05-01T00:00:00Z')).toEqual({ gte: new Date('2024-05-01T00:00:00Z') });
    expect(timeBound()).toBeUndefined();
  });
});
