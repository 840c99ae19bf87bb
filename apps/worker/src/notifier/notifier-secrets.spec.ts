import { credentialValues } from './notifier-secrets';

describe('notifier secrets', () => {
  it('takes every credential of a notifier, the strings inside a token payload too', () => {
    expect(
      credentialValues({
        password: 'pw',
        apiSecret: 'as',
        refreshToken: 'rt',
        tokenPayload: { user: 'u1', nested: { key: 'k1' }, n: 42 },
        tokenHeaders: [{ key: 'X-Api-Key', value: 'hk' }],
        resourceAuthHeaders: [{ key: 'Authorization', value: 'Bearer $jwt' }],
      }).sort(),
    ).toEqual(['42', 'Bearer $jwt', 'as', 'hk', 'k1', 'pw', 'rt', 'u1']);
    expect(credentialValues({ tokenPayload: '{"secret":"s1"}' })).toEqual(['{"secret":"s1"}', 's1']);
    expect(credentialValues({ tokenPayload: 'opaque' })).toEqual(['opaque']);
  });
});
