import { validateEnvironment } from './environment';
import { buildConfig, prettyLogs } from './sluice-config';

const config = (env: Record<string, string>) => buildConfig(validateEnvironment(env));
const STRONG = 'x'.repeat(40);
const KEY = Buffer.alloc(32, 7).toString('base64');

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = config({});
    expect(c).toMatchObject({
      production: false,
      port: 8080,
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/sluice',
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'sluice',
      accessTokenTtl: 900,
      bodyLimit: 5 * 1024 * 1024,
      cookieSecure: false,
      notifierAllowPrivateNetworks: true,
    });
  });

  it('makes throwaway secrets outside production and says so', () => {
    const c = config({ NODE_ENV: 'development' });
    expect(c.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(c.secretsKey).toHaveLength(32);
    expect(c.warnings.join(' ')).toMatch(/JWT_SECRET.*throwaway/);
    expect(c.warnings.join(' ')).toMatch(/SECRETS_KEY/);
  });

  it('refuses to start in production without a strong JWT_SECRET or a SECRETS_KEY', () => {
    expect(() => config({ NODE_ENV: 'production', SECRETS_KEY: KEY })).toThrow(/JWT_SECRET/);
    expect(() => config({ NODE_ENV: 'production', JWT_SECRET: 'short', SECRETS_KEY: KEY })).toThrow(/JWT_SECRET/);
    expect(() => config({ NODE_ENV: 'production', JWT_SECRET: STRONG })).toThrow(/SECRETS_KEY/);
    expect(() => config({ NODE_ENV: 'production', JWT_SECRET: STRONG, SECRETS_KEY: 'dG9vIHNob3J0' })).toThrow(
      /32 bytes/,
    );
  });

  it('takes CHANNEL_API_URL_<TYPE> as a base URL without its trailing slash, and refuses a value that is no http(s) URL', () => {
    expect(config({}).channelApiUrls).toEqual({});
    expect(
      config({
        CHANNEL_API_URL_PAGER_DUTY: 'http://127.0.0.1:9000/',
        CHANNEL_API_URL_SLACK: 'https://proxy.example/slack',
      }).channelApiUrls,
    ).toEqual({ PAGER_DUTY: 'http://127.0.0.1:9000', SLACK: 'https://proxy.example/slack' });
    expect(() => config({ CHANNEL_API_URL_OPS_GENIE: 'ftp://x.example' })).toThrow(/CHANNEL_API_URL_OPS_GENIE/);
    expect(() => config({ CHANNEL_API_URL_DATADOG: 'not a url' })).toThrow(/CHANNEL_API_URL_DATADOG/);
  });

  it('secures cookies and closes private notifier targets by default in production', () => {
    const c = config({ NODE_ENV: 'production', JWT_SECRET: STRONG, SECRETS_KEY: KEY });
    expect(c).toMatchObject({
      production: true,
      cookieSecure: true,
      notifierAllowPrivateNetworks: false,
      warnings: [],
    });
    expect(
      config({ NODE_ENV: 'production', JWT_SECRET: STRONG, SECRETS_KEY: KEY, COOKIE_SECURE: 'false' }).cookieSecure,
    ).toBe(false);
  });

  it('brakes password logins by default: 5 failures per account, 100 per address, in 15 minutes, waits from 1 s up to 60 s', () => {
    expect(config({}).loginThrottle).toEqual({
      maxFailures: 5,
      maxFailuresPerIp: 100,
      windowSeconds: 900,
      firstDelaySeconds: 1,
      maxDelaySeconds: 60,
    });
    expect(config({ LOGIN_FIRST_DELAY: '5' }).loginThrottle.firstDelaySeconds).toBe(5);
    expect(config({ LOGIN_MAX_FAILURES: '0', LOGIN_MAX_FAILURES_PER_IP: '0' }).loginThrottle).toMatchObject({
      maxFailures: 0,
      maxFailuresPerIp: 0,
    });
    expect(() => config({ LOGIN_MAX_DELAY: '0' })).toThrow(/LOGIN_MAX_DELAY/);
    expect(() => config({ LOGIN_FIRST_DELAY: '0' })).toThrow(/LOGIN_FIRST_DELAY/);
    expect(() => config({ LOGIN_FAILURE_WINDOW: 'soon' })).toThrow(/LOGIN_FAILURE_WINDOW/);
  });

  it('rejects values that do not fit, naming the variable', () => {
    expect(() => config({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => config({ BODY_LIMIT: '10' })).toThrow(/BODY_LIMIT/);
    expect(() => config({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});

describe('prettyLogs (LOG_FORMAT)', () => {
  it('is readable lines at a terminal by default, JSON otherwise, or as LOG_FORMAT says', () => {
    expect([prettyLogs('auto', true), prettyLogs('auto', false)]).toEqual([true, false]);
    expect([prettyLogs('json', true), prettyLogs('pretty', false)]).toEqual([false, true]);
  });
});
