import 'reflect-metadata';

import { Type } from 'class-transformer';
import { IsInt, IsString, ValidateNested } from 'class-validator';

import { ContractError } from '@sluice/common';

import { validateBody } from './validation';

class Item {
  @IsString() name: string;
  @IsInt() size: number;
}

class Body {
  @ValidateNested({ each: true }) @Type(() => Item) items: Item[];
}

const refusal = async (body: unknown) => {
  try {
    await validateBody(Body, body);
  } catch (err) {
    return (err as ContractError).body;
  }
  throw new Error('accepted');
};

describe('validateBody', () => {
  it('names every failing field, nested ones by their path', async () => {
    expect(
      await refusal({
        items: [
          { name: 'a', size: 1 },
          { name: 2, size: 'x' },
        ],
      }),
    ).toEqual({
      message: 'Invalid payload',
      errors: [
        { field: 'items.1.name', error: 'name must be a string' },
        { field: 'items.1.size', error: 'size must be an integer number' },
      ],
    });
  });

  it('lists the first 100 of many failures and counts them all', async () => {
    const body = await refusal({ items: Array.from({ length: 3000 }, () => ({})) });
    expect(body.errorCount).toBe(6000);
    expect(body.errors).toHaveLength(100);
    expect(body.errors![0]).toEqual({ field: 'items.0.name', error: 'name must be a string' });
    expect(body.errors![99]).toEqual({ field: 'items.49.size', error: 'size must be an integer number' });
  });
});
