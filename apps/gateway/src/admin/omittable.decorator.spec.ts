import { plainToInstance } from 'class-transformer';
import { IsBoolean, IsString, MinLength, validate } from 'class-validator';

import { Omittable } from './omittable.decorator';

class Patch {
  @Omittable()
  @IsString()
  @MinLength(1)
  name?: string;

  @Omittable()
  @IsBoolean()
  active?: boolean;
}

const errorsOf = async (body: object) =>
  (await validate(plainToInstance(Patch, body))).map((e) => ({ property: e.property, constraints: e.constraints }));

describe('Omittable', () => {
  it('lets an absent field pass', async () => {
    expect(await errorsOf({})).toEqual([]);
  });

  it('refuses null with its one message, not the type checks of the field', async () => {
    expect(await errorsOf({ name: null, active: null })).toEqual([
      { property: 'name', constraints: { notNull: 'name must not be null (leave it out to keep the current value)' } },
      {
        property: 'active',
        constraints: { notNull: 'active must not be null (leave it out to keep the current value)' },
      },
    ]);
  });

  it('keeps the field checks for other values', async () => {
    expect(await errorsOf({ name: '', active: 'yes' })).toEqual([
      { property: 'name', constraints: { minLength: 'name must be longer than or equal to 1 characters' } },
      { property: 'active', constraints: { isBoolean: 'active must be a boolean value' } },
    ]);
    expect(await errorsOf({ name: 'x', active: false })).toEqual([]);
  });
});
