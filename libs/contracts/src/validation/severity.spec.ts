import { parseSeverity, Severity, SEVERITY_NAMES } from './severity';

describe('Severity', () => {
  it('numbers the severity names', () => {
    const numbered = Object.entries(Severity).map(([name, n]) => [name.toLowerCase(), n]);
    expect(numbered).toEqual(SEVERITY_NAMES.map((name, n) => [name, n]));
  });
});

describe('parseSeverity', () => {
  it('names the six levels of spec §2.1 in order', () => {
    expect(SEVERITY_NAMES).toEqual(['clear', 'indeterminate', 'warning', 'minor', 'major', 'critical']);
  });

  it.each([0, 1, 2, 3, 4, 5])('accepts the integer %p as itself', (n) => {
    expect(parseSeverity(n)).toBe(n);
  });

  it.each([
    ['0', 0],
    ['1', 1],
    ['2', 2],
    ['3', 3],
    ['4', 4],
    ['5', 5],
  ])('accepts the numeric string %p as %p', (text, n) => {
    expect(parseSeverity(text)).toBe(n);
  });

  it.each([
    ['clear', 0],
    ['indeterminate', 1],
    ['warning', 2],
    ['minor', 3],
    ['major', 4],
    ['critical', 5],
    ['Critical', 5],
    ['MAJOR', 4],
    ['Warning', 2],
    ['CLEAR', 0],
    ['InDeTeRmInAtE', 1],
    ['mInOr', 3],
  ])('accepts the name %p, any case, as %p', (text, n) => {
    expect(parseSeverity(text)).toBe(n);
  });

  it('ignores surrounding white space', () => {
    expect(parseSeverity(' 3 ')).toBe(3);
    expect(parseSeverity('\tmajor\n')).toBe(4);
  });

  it.each([
    6,
    -1,
    2.5,
    0.1,
    NaN,
    Infinity,
    -0.5,
    '6',
    '-1',
    '2.5',
    '03',
    '',
    ' ',
    'severe',
    'crit',
    'critical!',
    'high',
    null,
    undefined,
    true,
    false,
    [],
    [5],
    {},
    { severity: 5 },
  ])('refuses %p', (value) => {
    expect(parseSeverity(value)).toBeUndefined();
  });
});
