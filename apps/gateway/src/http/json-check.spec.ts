import { checkJson, MAX_JSON_DEPTH } from './json-check';

const TOO_DEEP = `arrays and objects nest deeper than ${MAX_JSON_DEPTH} levels: at most ${MAX_JSON_DEPTH} are allowed`;
const UNSTORABLE = 'must not contain NUL (\\u0000) or an unpaired UTF-16 surrogate';

/** A value `levels` arrays and objects deep, alternating, as JSON.parse would give it. */
function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

describe('checkJson', () => {
  it('takes a body exactly MAX_JSON_DEPTH deep, refuses one level more', () => {
    expect(checkJson(nested(MAX_JSON_DEPTH), true)).toEqual({ errors: [], total: 0 });
    expect(checkJson(nested(MAX_JSON_DEPTH + 1), true)).toEqual({
      errors: [{ index: 0, field: 'a', error: TOO_DEEP }],
      total: 1,
    });
  });

  it('counts the batch array as a level and names the record and its field', () => {
    const body = [{ ok: 1 }, { x: nested(MAX_JSON_DEPTH - 1) }];
    expect(checkJson(body, false)).toEqual({ errors: [{ index: 1, field: 'x', error: TOO_DEEP }], total: 1 });
    expect(checkJson([{ x: nested(MAX_JSON_DEPTH - 2) }], false).total).toBe(0);
  });

  it('walks a million levels without overflowing the stack', () => {
    const body = JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000));
    expect(checkJson(body, true).errors).toEqual([{ index: 0, field: '[0]', error: TOO_DEEP }]);
  });

  it('finds prototype-poisoning keys at any place, whatever checkText says', () => {
    const body = JSON.parse(
      '{"a": [{"__proto__": {"x": 1}}], "b": {"constructor": {"prototype": {}}}, "c": {"constructor": "fine"}}',
    );
    expect(checkJson(body, false)).toEqual({
      errors: [
        { index: 0, field: 'a[0].__proto__', error: 'field name __proto__ is not allowed' },
        { index: 0, field: 'b.constructor.prototype', error: 'field name prototype inside constructor is not allowed' },
      ],
      total: 2,
    });
    expect(checkJson(JSON.parse('{"__proto__": 1}'), false).errors).toEqual([
      { index: 0, field: '__proto__', error: 'field name __proto__ is not allowed' },
    ]);
  });

  it('with checkText, names every unstorable string and key in document order', () => {
    const body = [{ a: 'ok', b: 'x\u0000' }, 'y\ud800', { n: { 'k\udc00': ['fine', '\ud83d\ude00', 'z\u0000'] } }];
    expect(checkJson(body, true)).toEqual({
      errors: [
        { index: 0, field: 'b', error: `b ${UNSTORABLE}` },
        { index: 1, field: '', error: `value ${UNSTORABLE}` },
        { index: 2, field: 'n.k\udc00', error: `field name ${UNSTORABLE}` },
        { index: 2, field: 'n.k\udc00[2]', error: `n.k\udc00[2] ${UNSTORABLE}` },
      ],
      total: 4,
    });
    expect(checkJson(body, false).total).toBe(0);
  });

  it('lists the first 100 errors and counts the others', () => {
    const { errors, total } = checkJson({ list: Array(5000).fill('\u0000') }, true);
    expect(total).toBe(5000);
    expect(errors).toHaveLength(100);
    expect(errors[99].field).toBe('list[99]');
  });
});
