import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { ensureDevSecrets } from './defaults';

// Like defaults.ts: only node imports, so that scripts/start.js can load it from dist alone.

const KEPT = ['JWT_SECRET', 'SECRETS_KEY'] as const;

/**
 * `npm start` outside production: the throwaway secrets of ensureDevSecrets, kept in `file` (git
 * ignores it; mode 0600) so that a restart neither ends every session nor makes the stored
 * integration secrets unreadable. Values in `env` win over the file's; the file is written only
 * when a secret had to be made. Returns what to log. In production it does nothing.
 */
export function keepDevSecrets(env: Record<string, string | undefined>, file: string): string[] {
  if (env.NODE_ENV === 'production') return [];
  const kept = existsSync(file) ? parseEnvFile(readFileSync(file, 'utf8')) : {};
  const fromFile = KEPT.filter((k) => !env[k] && kept[k]);
  for (const k of fromFile) env[k] = kept[k];
  const before = { ...env };
  ensureDevSecrets(env);
  const made = KEPT.filter((k) => env[k] !== before[k]);
  const messages: string[] = [];
  if (fromFile.length > 0) messages.push(`${fromFile.join(' and ')} from ${file} (delete it to start afresh)`);
  if (made.length > 0) {
    mkdirSync(dirname(file), { recursive: true });
    // Only what the file gave or was made here: never a secret the operator set in the environment.
    const lines = [...fromFile, ...made].map((k) => `${k}=${env[k]}`);
    writeFileSync(
      file,
      `# Made by npm start outside production; never use these in production.\n${lines.join('\n')}\n`,
      {
        mode: 0o600,
      },
    );
    chmodSync(file, 0o600);
    messages.push(`generated a throwaway ${made.join(' and ')}, kept in ${file} for the next start`);
  }
  return messages;
}

/** `KEY=VALUE` lines; `#` comments and blank lines skipped. */
function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].trim();
  }
  return out;
}
