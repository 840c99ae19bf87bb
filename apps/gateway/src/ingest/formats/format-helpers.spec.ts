import { LIMITS } from '@sluice/contracts';

import { codePoints, cut, fitId, jsonHash } from './format-helpers';

describe('format helpers', () => {
  it('hashes JSON by content, whatever the order of object keys', () => {
    expect(jsonHash({ a: 1, b: [true, null, 'x'] })).toBe(jsonHash({ b: [true, null, 'x'], a: 1 }));
    expect(jsonHash({ a: 1 })).toHaveLength(32);
  });

  it('hashes different JSON differently, also where a plain concatenation would not', () => {
    const values = [
      [1, 2],
      [12],
      ['1', 2],
      { a: 'b' },
      { ab: '' },
      ['a', 'b'],
      ['ab'],
      [[]],
      [{}],
      [],
      {},
      null,
      '',
      0,
    ];
    expect(new Set(values.map((v) => jsonHash(v))).size).toBe(values.length);
  });

  it('hashes any depth without recursion', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonHash(deep)).toHaveLength(32);
  });

  it('cuts text without splitting a surrogate pair', () => {
    expect(cut('ab😀', 3)).toBe('ab');
    expect(cut('ab😀', 4)).toBe('ab😀');
    expect(cut('abc', 5)).toBe('abc');
    expect(codePoints('😀😀a')).toBe(3);
  });

  it('fits a long id within LIMITS.id, stable and distinct', () => {
    const long = 'x'.repeat(LIMITS.id + 1);
    expect(fitId('short')).toBe('short');
    expect(fitId(long)).toHaveLength(LIMITS.id);
    expect(fitId(long)).toBe(fitId('x'.repeat(LIMITS.id + 1)));
    expect(fitId(long)).not.toBe(fitId(`${long}y`));
  });
});
