import { bulkInsert } from './bulk-insert';

describe('bulkInsert', () => {
  const spec = bulkInsert<{ a: string; n: number }>(
    {
      name: ['text', (r) => r.a],
      at: ['float8', (r) => r.n, 'to_timestamp(at / 1000)'],
      twice: ['int', (r) => r.n * 2],
    },
    3,
  );

  it('names the columns, their conversions and their typed parameters in the spec order', () => {
    expect(spec.names).toBe('name, at, twice');
    expect(spec.select).toBe('name, to_timestamp(at / 1000), twice');
    expect(spec.unnest).toBe('unnest($3::text[], $4::float8[], $5::int[])');
    expect(spec.nextParameter).toBe(6);
  });

  it('builds one parameter array per column', () => {
    expect(
      spec.values([
        { a: 'x', n: 1 },
        { a: 'y', n: 2 },
      ]),
    ).toEqual([
      ['x', 'y'],
      [1, 2],
      [2, 4],
    ]);
    expect(spec.values([])).toEqual([[], [], []]);
  });
});
