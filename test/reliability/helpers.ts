// Building blocks of the reliability suite, on top of test/support (installs, processes, redis-servers):
// the suite's install defaults, private PostgreSQL clusters that can be stopped and started, a seeded
// random source, and the figures each test records for RESULTS.md.

import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import { mulberry32 } from '../../dev/fake-wikimedia/src/random.js';
import type { RunRecord } from '../../src/model/run.js';
import { type InstallOptions, type TestInstall, testInstall } from '../support/install.js';
import { freePort } from '../support/redis-server.js';
import { waitFor } from '../support/wait.js';

export { mulberry32 };

// ---------------------------------------------------------------------------------------------------
// An installation over generated records, with any config

/**
 * test/support's install with the suite's defaults: a silent runtime whose Redis connection ignores
 * errors (Redis and PostgreSQL are taken away here), and a fake that keeps a long request log.
 */
export function install(name: string, options: InstallOptions): Promise<TestInstall> {
  return testInstall(`rel-${name}`, {
    quiet: true,
    ...options,
    fake: { requestLogSize: 100_000, ...options.fake },
  });
}

/** Polls the store until the run is done (errors while a server is away are retried). */
export function finishedRun(target: TestInstall, runId: string, timeoutMs = 180_000): Promise<RunRecord> {
  return waitFor(
    `run ${runId} to be done`,
    async () => {
      const run = await target.runtime.store.getRun(runId);
      return run && run.status !== 'running' ? run : undefined;
    },
    { timeoutMs, intervalMs: 250 },
  );
}

// ---------------------------------------------------------------------------------------------------
// A private PostgreSQL cluster

export interface PrivatePostgres {
  readonly port: number;
  /** Whether this is a cluster of our own (false: the machine's shared one, see `sharedPostgres`). */
  readonly private: boolean;
  /** A URL for `database`, as `user` (superuser postgres with trust auth by default). */
  url(database: string, user?: { name: string; password: string }): string;
  createDatabase(name: string, owner?: { name: string; password: string }): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function newestPgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(root, versions[0], 'bin');
}

/** The uid/gid to run PostgreSQL's tools as: `postgres` when we are root (initdb refuses root). */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0 || gid.status !== 0) throw new Error('running as root, and there is no postgres user');
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Whether a private cluster can be made here (initdb on the machine, and a user it runs as). */
export function privatePostgresPossible(): boolean {
  // To try the fallback where a private cluster could be made. The store-outage test then stops the
  // machine's shared PostgreSQL for 30 s: only where nothing else uses it.
  if (process.env.FACTSYNC_RELIABILITY_SHARED_PG === '1') return false;
  try {
    return newestPgBin() !== undefined && (process.getuid?.() !== 0 || postgresUser() !== undefined);
  } catch {
    return false;
  }
}

/**
 * A cluster of our own in a temp dir on a free port (`initdb` + `pg_ctl`, as the postgres user when
 * root): trust auth on loopback, or, with `passwordAuth`, scram-sha-256 over TCP (trust on its socket).
 */
export async function startPrivatePostgres(
  options: { passwordAuth?: boolean } = {},
): Promise<PrivatePostgres> {
  const bin = newestPgBin();
  if (!bin) throw new Error('no initdb under /usr/lib/postgresql');
  const owner = postgresUser();
  const dir = mkdtempSync(path.join(tmpdir(), 'factsync-rel-pg-'));
  const data = path.join(dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(data, owner.uid, owner.gid);
  }
  const port = await freePort();
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const run = (tool: string, args: string[]) =>
    execFileSync(path.join(bin, tool), args, {
      ...as,
      cwd: dir,
      stdio: 'pipe',
      env: { PATH: process.env.PATH ?? '' },
    });
  run('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth-local=trust',
    `--auth-host=${options.passwordAuth ? 'scram-sha-256' : 'trust'}`,
    '--no-sync',
  ]);
  const pgOptions = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const admin = () => new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
  const cluster: PrivatePostgres = {
    port,
    private: true,
    url: (database, user) =>
      `postgres://${user ? `${encodeURIComponent(user.name)}:${encodeURIComponent(user.password)}` : 'postgres'}@127.0.0.1:${port}/${database}`,
    async createDatabase(name, user) {
      const client = admin();
      await client.connect();
      try {
        if (user) {
          // Not a bind parameter: CREATE ROLE takes none. The test's own random value, quoted.
          await client.query(
            `CREATE ROLE ${user.name} LOGIN PASSWORD '${user.password.replaceAll("'", "''")}'`,
          );
          await client.query(`CREATE DATABASE ${name} OWNER ${user.name}`);
        } else {
          await client.query(`CREATE DATABASE ${name}`);
        }
      } finally {
        await client.end();
      }
    },
    async start() {
      run('pg_ctl', [
        '-D',
        data,
        '-l',
        path.join(dir, 'postgres.log'),
        '-o',
        pgOptions,
        '-w',
        '-t',
        '30',
        'start',
      ]);
    },
    async stop() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
    },
    async destroy() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // not running
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}

/**
 * The machine's shared PostgreSQL (`TEST_DATABASE_URL`), for when no private cluster can be made. Its
 * stop/start go through `pg_ctlcluster`: that takes the shared server away from every other test too,
 * so the suite only does it where a private cluster is impossible, and for no longer than asked.
 */
export function sharedPostgres(): PrivatePostgres {
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const clusters = spawnSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' }).stdout ?? '';
  const line = clusters
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((cols) => cols[2] === (base.port || '5432'));
  const [version, name] = [line?.[0] ?? '15', line?.[1] ?? 'main'];
  const ctl = (action: string) =>
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, action], { stdio: 'pipe' });
  return {
    port: Number(base.port || 5432),
    private: false,
    url(database, user) {
      const url = new URL(base);
      url.pathname = `/${database}`;
      if (user) {
        url.username = user.name;
        url.password = user.password;
      }
      return url.toString();
    },
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: base.toString() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
    },
    async start() {
      ctl('start');
    },
    async stop() {
      ctl('stop');
    },
    async destroy() {
      // The shared cluster stays; the databases a test made are dropped by that test.
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Figures for RESULTS.md

/**
 * Records a test's figures as `{name}.json` in FACTSYNC_RELIABILITY_RESULTS when it is set (the
 * `test/reliability/results.ts` runner sets it, then writes RESULTS.md from them); a no-op otherwise.
 */
export function recordFigures(name: string, figures: unknown): void {
  const dir = process.env.FACTSYNC_RELIABILITY_RESULTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}

export const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** Records how long the calling test file took, start of its module to its last afterAll, for RESULTS.md. */
export function timeFile(name: string): void {
  const started = Date.now();
  afterAll(() => recordFigures(`duration-${name}`, { file: name, seconds: seconds(Date.now() - started) }));
}
