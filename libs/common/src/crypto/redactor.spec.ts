import { headerValues, Redactor } from './redactor';

describe('Redactor', () => {
  const password = 'p@ss w/rd&"x"';

  it('replaces a secret as sent, URL-encoded, form-encoded and JSON-escaped', () => {
    const r = new Redactor([password]);
    const echo = `password=${new URLSearchParams({ p: password }).toString().slice(2)} raw=${password} uri=${encodeURIComponent(password)} json=${JSON.stringify({ password })}`;
    const out = r.text(echo);
    expect(out).toBe('password=**** raw=**** uri=**** json={"password":"****"}');
  });

  it('replaces a secret in a JSON request body quoted in a JSON answer', () => {
    const echo = JSON.stringify({ error: { request: JSON.stringify({ apiToken: password }) } });
    expect(new Redactor([password]).text(echo)).toBe('{"error":{"request":"{\\"apiToken\\":\\"****\\"}"}}');
  });

  it('replaces the longer of two overlapping secrets whole', () => {
    expect(new Redactor(['abc', 'abcdef']).text('x abcdef y abc')).toBe('x **** y ****');
  });

  it('leaves text without secrets alone, and ignores empty secrets', () => {
    expect(new Redactor(['', undefined]).text('nothing to hide')).toBe('nothing to hide');
  });

  it('takes the credential headers of a request, and the credential after its scheme', () => {
    expect(
      headerValues({
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: 'Bearer tok',
        'x-key': 'k',
      }),
    ).toEqual(['Bearer tok', 'tok', 'k']);
  });
});
