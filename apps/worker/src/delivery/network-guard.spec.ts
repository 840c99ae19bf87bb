import { UnrecoverableError } from 'bullmq';

import { assertPublicLiteral, isPrivateAddress, publicOnlyLookup } from './network-guard';

describe('notifier network guard', () => {
  it('knows the private, loopback and reserved ranges, IPv4-mapped forms included', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '198.18.0.1',
      '224.0.0.1',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ]) {
      expect([a, isPrivateAddress(a)]).toEqual([a, true]);
    }
    for (const a of ['8.8.8.8', '172.32.0.1', '192.169.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      expect([a, isPrivateAddress(a)]).toEqual([a, false]);
    }
  });

  it('refuses private address literals unless private networks are allowed', () => {
    expect(() => assertPublicLiteral('http://127.0.0.1:8080/api', false)).toThrow(UnrecoverableError);
    expect(() => assertPublicLiteral('https://[::1]/x', false)).toThrow(/private or loopback/);
    expect(() => assertPublicLiteral('http://127.0.0.1:8080/api', true)).not.toThrow();
    expect(() => assertPublicLiteral('https://8.8.8.8/x', false)).not.toThrow();
  });

  it('drops private addresses where the connection resolves a name, failing when none is left', async () => {
    const resolve = (all: boolean) =>
      new Promise<{ err: Error | null; address: unknown }>((r) =>
        publicOnlyLookup('localhost', { all }, (err, address) => r({ err, address })),
      );
    for (const all of [false, true]) {
      const { err } = await resolve(all);
      expect(err).toBeInstanceOf(UnrecoverableError);
      expect(err!.message).toMatch(/localhost is in a private or loopback range/);
    }
  });
});
