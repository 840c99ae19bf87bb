import { Test } from '@nestjs/testing';

import { SLUICE_CONFIG, SluiceConfigModule } from './config.module';
import { DEFAULTS, ensureDevSecrets } from './defaults';
import { configFromEnv } from './sluice-config';

const STRONG = 'x'.repeat(40);
const KEY = Buffer.alloc(32, 7).toString('base64');

describe('ensureDevSecrets', () => {
  it('fills in a throwaway JWT_SECRET and SECRETS_KEY outside production, once, and says so', () => {
    const env: Record<string, string | undefined> = { NODE_ENV: 'development' };
    const made = ensureDevSecrets(env);
    expect(env.JWT_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(env.SECRETS_KEY!, 'base64')).toHaveLength(32);
    expect(made.join(' ')).toMatch(/JWT_SECRET.*throwaway.*SECRETS_KEY.*throwaway/);

    const again = { ...env };
    expect(ensureDevSecrets(again)).toEqual([]);
    expect(again).toEqual(env);
  });

  it('keeps secrets that are set, and replaces a JWT_SECRET too short to be accepted', () => {
    const env: Record<string, string | undefined> = { JWT_SECRET: 'short', SECRETS_KEY: KEY };
    expect(ensureDevSecrets(env)).toEqual([expect.stringMatching(/^JWT_SECRET/)]);
    expect(env.JWT_SECRET).not.toBe('short');
    expect(env.SECRETS_KEY).toBe(KEY);
  });

  it('changes nothing in production', () => {
    const env: Record<string, string | undefined> = { NODE_ENV: 'production' };
    expect(ensureDevSecrets(env)).toEqual([]);
    expect(env).toEqual({ NODE_ENV: 'production' });
  });
});

describe('configFromEnv', () => {
  it('builds the configuration of the object it is given, without reading or writing process.env', () => {
    const before = { ...process.env };
    const c = configFromEnv({ REDIS_PREFIX: 'own-prefix', RATE_LIMIT_USER: '7', JWT_SECRET: STRONG, SECRETS_KEY: KEY });
    expect(c).toMatchObject({ redisPrefix: 'own-prefix', databaseUrl: DEFAULTS.DATABASE_URL, warnings: [] });
    expect(c.jwtSecret).toBe(STRONG);
    expect(c.rateLimit.perUser).toBe(7);
    expect(c.secretsKey.equals(Buffer.from(KEY, 'base64'))).toBe(true);
    expect(process.env).toEqual(before);
  });

  it('hash-tags the queue prefix (one Redis Cluster slot per deployment), unless QUEUE_PREFIX says otherwise', () => {
    const base = { JWT_SECRET: STRONG, SECRETS_KEY: KEY };
    expect(configFromEnv(base).queuePrefix).toBe('{sluice}');
    expect(configFromEnv({ ...base, REDIS_PREFIX: 'ops' }).queuePrefix).toBe('{ops}');
    expect(configFromEnv({ ...base, REDIS_PREFIX: 'ops', QUEUE_PREFIX: 'sluice' }).queuePrefix).toBe('sluice');
  });

  it('names the generated secrets in its warnings outside production', () => {
    expect(configFromEnv({}).warnings).toHaveLength(2);
  });

  it('is what SluiceConfigModule provides, from process.env', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [SluiceConfigModule] }).compile();
    const prefix = process.env.REDIS_PREFIX ?? DEFAULTS.REDIS_PREFIX;
    expect(moduleRef.get(SLUICE_CONFIG)).toMatchObject({ redisPrefix: prefix });
  });
});
