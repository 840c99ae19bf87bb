import { looksRedacted, redact } from './secret-redaction';

describe('secret redaction', () => {
  it('answers **** and the last four characters of a secret of 12 or more', () => {
    expect(redact('a1b2c3d4e5f60718293a4b5c6d7e5f2a')).toBe('****5f2a');
    expect(redact('123456789012')).toBe('****9012');
  });

  it('answers **** alone for a shorter secret, whose last four would be a third of it or more', () => {
    expect(redact('12345678901')).toBe('****');
    expect(redact('x')).toBe('****');
  });

  it('keeps surrogate pairs whole', () => {
    expect(redact('secret-secret-😀😀')).toBe('****t-😀😀');
    expect(redact('abcdefghijkl😀')).toBe('****jkl😀');
  });

  it('takes every value that starts with **** for a redaction', () => {
    expect(looksRedacted('****')).toBe(true);
    expect(looksRedacted('****5f2a')).toBe(true);
    expect(looksRedacted('****5f2a-and-more')).toBe(true);
    expect(looksRedacted('***5f2a')).toBe(false);
    expect(looksRedacted('a****')).toBe(false);
  });
});
