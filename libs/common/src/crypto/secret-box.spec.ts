import { randomBytes } from 'node:crypto';

import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips, with a different ciphertext each time', () => {
    const a = box.seal('p@ss:word ünïcode');
    const b = box.seal('p@ss:word ünïcode');
    expect(a).not.toEqual(b);
    expect(a).not.toContain('p@ss');
    expect(box.open(a)).toBe('p@ss:word ünïcode');
    expect(box.open(b)).toBe('p@ss:word ünïcode');
  });

  it('refuses a tampered ciphertext and another key', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] ^= 1;
    expect(() => box.open([parts[0], parts[1], parts[2], body.toString('base64url')].join('.'))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
    expect(() => box.open('garbage')).toThrow(/not a sealed secret/);
  });

  it('needs a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32-byte/);
  });
});
