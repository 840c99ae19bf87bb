import { Writable } from 'node:stream';

import pino from 'pino';

import { REDACT_PATHS } from './redaction';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream), lines };
}

describe('log redaction', () => {
  it('removes credentials from request and response headers', () => {
    const { logger, lines } = capture();
    logger.info({
      req: {
        headers: {
          authorization: 'Basic c2VjcmV0',
          cookie: 'access_token=abc',
          'x-integration-token': 'itok',
          accept: '*/*',
        },
      },
      res: { headers: { 'set-cookie': 'refresh_token=def' } },
    });
    const text = lines.join('');
    for (const secret of ['c2VjcmV0', 'access_token=abc', 'itok', 'refresh_token=def'])
      expect(text).not.toContain(secret);
    expect(JSON.parse(text).req.headers.accept).toBe('*/*');
  });

  it('removes secret fields at the top level and nested two deep', () => {
    const { logger, lines } = capture();
    logger.info({
      password: 'pw-top',
      integration: { apiSecret: 'api-secret', clientSecret: 'client-secret', name: 'kept' },
      outbound: { baseNotifier: { password: 'pw-deep', refreshToken: 'rt-deep' } },
    });
    const text = lines.join('');
    for (const secret of ['pw-top', 'api-secret', 'client-secret', 'pw-deep', 'rt-deep'])
      expect(text).not.toContain(secret);
    expect(text).toContain('kept');
    expect(text).toContain('[redacted]');
  });

  it("removes the notification channels' secrets (spec §9) and their sealed column", () => {
    const { logger, lines } = capture();
    const channel = {
      serviceKey: 's-key',
      apiToken: 'a-token',
      apiKey: 'a-key',
      licenseKey: 'l-key',
      writeToken: 'w-token',
      readToken: 'r-token',
      routingKey: 'r-key',
      secret: 'w-secret',
      notificationToken: 'n-token',
      secrets: 'v1.sealed',
      teamName: 'kept-team',
    };
    logger.info({ ...channel, body: channel, integration: { config: channel } });
    const text = lines.join('');
    for (const value of Object.values(channel).filter((v) => v !== 'kept-team')) expect(text).not.toContain(value);
    expect(text).toContain('kept-team');
  });
});
