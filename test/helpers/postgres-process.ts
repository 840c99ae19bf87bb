import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { defaultMigrationsDir, ensureDatabase, migrate } from '@sluice/database';

import { freePort } from './redis-process';

const run = promisify(execFile);

// PostgreSQL's server binaries (initdb, pg_ctl), which are not on the PATH of Debian's packages.
function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  for (const version of ['17', '16', '15', '14']) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  return ''; // on the PATH
}

/**
 * A PostgreSQL cluster of a test's own, in a temporary directory, on a free loopback port, that
 * the test stops and starts again (an outage, not a crash: `pg_ctl stop -m fast` ends the
 * sessions with SQLSTATE 57P01, as a restart does). PostgreSQL refuses to run as root, so under
 * root the server runs as the `postgres` user (runuser). Durability is off: it is thrown away.
 */
export class PostgresProcess {
  private readonly bin = binDir();
  private readonly dir: string;
  private readonly asUser: string[];

  constructor(readonly port: number) {
    this.dir = mkdtempSync(join(tmpdir(), 'sluice-pg-'));
    this.asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
    if (this.asUser.length > 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
      chownSync(this.dir, uid, gid);
    }
  }

  /** The `sluice` database of this cluster (created and migrated by `startPostgresProcess`). */
  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/sluice`;
  }

  async init(): Promise<void> {
    await this.exec('initdb', [
      '-D',
      this.dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ]);
  }

  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    await this.exec('pg_ctl', [
      '-D',
      this.dataDir,
      '-o',
      options,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      '-t',
      '30',
      'start',
    ]);
  }

  /** `fast`: sessions are ended (57P01), like a restart. `immediate`: the server just goes away, like a crash. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.exec('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '30', 'stop']);
  }

  /** Stops the server if it runs and deletes the cluster. */
  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private async exec(tool: string, args: string[]): Promise<void> {
    const [command, ...rest] = [...this.asUser, this.bin ? join(this.bin, tool) : tool, ...args];
    await run(command, rest, { cwd: this.dir });
  }
}

/** A PostgresProcess on a free port, running, with the `sluice` database migrated by the project's step. */
export async function startPostgresProcess(): Promise<PostgresProcess> {
  const pg = new PostgresProcess(await freePort());
  await pg.init();
  await pg.start();
  await ensureDatabase(pg.url);
  await migrate(pg.url, defaultMigrationsDir());
  return pg;
}
