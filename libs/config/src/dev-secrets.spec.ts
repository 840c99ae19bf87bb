import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { keepDevSecrets } from './dev-secrets';

describe('keepDevSecrets (npm start outside production)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sluice-dev-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the secrets once and finds the same ones at the next start', () => {
    const file = join(dir, '.sluice/dev-secrets.env');
    const first: Record<string, string | undefined> = {};
    expect(keepDevSecrets(first, file)).toEqual([
      `generated a throwaway JWT_SECRET and SECRETS_KEY, kept in ${file} for the next start`,
    ]);
    expect(first.JWT_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second: Record<string, string | undefined> = {};
    expect(keepDevSecrets(second, file)).toEqual([
      `JWT_SECRET and SECRETS_KEY from ${file} (delete it to start afresh)`,
    ]);
    expect(second).toEqual({ JWT_SECRET: first.JWT_SECRET, SECRETS_KEY: first.SECRETS_KEY });
  });

  it("lets the environment's own values win and leaves the file alone when nothing was made", () => {
    const file = join(dir, 'secrets.env');
    writeFileSync(file, '# kept\nJWT_SECRET=from-the-file-0123456789abcdefghijklmnop\nSECRETS_KEY=filekey\n');
    const env: Record<string, string | undefined> = { JWT_SECRET: 'from-the-environment-0123456789abcdefgh' };
    keepDevSecrets(env, file);
    expect(env).toEqual({ JWT_SECRET: 'from-the-environment-0123456789abcdefgh', SECRETS_KEY: 'filekey' });
    expect(readFileSync(file, 'utf8')).toContain('from-the-file');
  });

  it('never writes a secret the operator set, and names only what it made', () => {
    const file = join(dir, 'secrets.env');
    const env: Record<string, string | undefined> = { JWT_SECRET: 'the-operators-own-secret-0123456789abcdef' };
    expect(keepDevSecrets(env, file)).toEqual([
      `generated a throwaway SECRETS_KEY, kept in ${file} for the next start`,
    ]);
    const written = readFileSync(file, 'utf8');
    expect(written).not.toContain('the-operators-own-secret');
    expect(written).toContain(`SECRETS_KEY=${env.SECRETS_KEY}`);
  });

  it('does nothing in production', () => {
    const env: Record<string, string | undefined> = { NODE_ENV: 'production' };
    expect(keepDevSecrets(env, join(dir, 'never.env'))).toEqual([]);
    expect(env).toEqual({ NODE_ENV: 'production' });
  });
});
