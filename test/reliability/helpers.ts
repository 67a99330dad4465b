// Building blocks of the reliability suite, on top of test/support/pipeline-harness.ts (which this file
// imports and never changes): an installation over generated records with any config and fault spec,
// private redis-servers that keep their data across a restart (AOF, as docker-compose runs Redis),
// private PostgreSQL clusters that can be stopped and started, a seeded random source, and the figures
// each test records for RESULTS.md.

import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll } from 'vitest';
import { parse, stringify } from 'yaml';
import { type Config, loadConfig } from '../../src/config.js';
import {
  type FakeWikimedia,
  type FaultSpec,
  startFakeWikimedia,
} from '../../src/dev/fake-wikimedia/index.js';
import { mulberry32 } from '../../src/dev/fake-wikimedia/random.js';
import { redisAnswers } from '../../src/jobs/embedded-redis.js';
import { openRuntime, type Runtime } from '../../src/jobs/runtime.js';
import { createLogger } from '../../src/log.js';
import type { RunRecord } from '../../src/model/run.js';
import { freePort, type GeneratedFiles, waitFor, writeGeneratedFiles } from '../support/pipeline-harness.js';
import { dropPrefix, testPrefix } from '../support/redis.js';

export { mulberry32 };

type Tree = Record<string, unknown>;
const isTree = (value: unknown): value is Tree =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function overlay(base: Tree, top: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(top))
    out[key] = isTree(value) && isTree(out[key]) ? overlay(out[key] as Tree, value) : value;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// An installation over generated records, with any config

export interface InstallOptions {
  readonly entities: number;
  /** The fake's seed (its world, and its fault draws). */
  readonly seed?: number;
  readonly latencyMs?: number;
  readonly faults?: FaultSpec;
  /** Redis for the queues: the shared one by default. */
  readonly redisUrl?: string;
  /** Overlaid on the harness's config file (http, worker, sync, local…). */
  readonly config?: Tree;
  /** Added to the CLI children's environment and to the config this process loads (DATABASE_URL…). */
  readonly env?: Record<string, string>;
  readonly logLevel?: string;
}

export interface Install extends GeneratedFiles {
  readonly dir: string;
  readonly config: Config;
  readonly fake: FakeWikimedia;
  readonly prefix: string;
  readonly redisUrl: string;
  /** An in-process runtime over the installation (its Redis connection ignores errors: Redis may restart). */
  readonly runtime: Runtime;
  close(): Promise<void>;
}

const SHARED_REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function install(name: string, options: InstallOptions): Promise<Install> {
  const dir = mkdtempSync(path.join(tmpdir(), `factsync-rel-${name}-`));
  const fake = await startFakeWikimedia({
    seed: options.seed ?? 7,
    entities: options.entities,
    latencyMs: options.latencyMs ?? 0,
    fixturesDir: null,
    recentChangesPerDay: 0,
    ...(options.faults ? { faults: options.faults } : {}),
    requestLogSize: 100_000,
  });
  const prefix = testPrefix(`rel-${name}`);
  const redisUrl = options.redisUrl ?? SHARED_REDIS;
  const files = writeGeneratedFiles(dir, fake, {
    entities: options.entities,
    redisUrl,
    prefix,
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
  const written = parse(readFileSync(files.configFile, 'utf8')) as Tree;
  writeFileSync(files.configFile, stringify(overlay(written, options.config ?? {})));
  const env = { ...files.env, ...options.env };
  const config = loadConfig({ file: files.configFile, env });
  const runtime = await openRuntime(config, createLogger('silent'));
  runtime.redis.on('error', () => undefined);
  return {
    ...files,
    env,
    dir,
    config,
    fake,
    prefix,
    redisUrl,
    runtime,
    async close() {
      await runtime.close();
      await fake.close();
      if (await redisAnswers(redisUrl, 500)) {
        const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
        redis.on('error', () => undefined);
        try {
          await dropPrefix(redis, prefix);
        } finally {
          redis.disconnect();
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls the store until the run is done (errors while a server is away are retried). */
export function finishedRun(target: Install, runId: string, timeoutMs = 180_000): Promise<RunRecord> {
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
// A private redis-server that keeps its data across a restart

export interface DurableRedis {
  readonly port: number;
  /** With the password, when there is one. */
  readonly url: string;
  readonly dir: string;
  readonly running: () => boolean;
  /** SIGTERM (Redis writes its AOF out and exits, as on `docker compose restart`), then waits for the exit. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops, removes its data directory. */
  destroy(): Promise<void>;
}

const durableServers = new Set<DurableRedis>();

export async function startDurableRedis(options: { password?: string } = {}): Promise<DurableRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'factsync-rel-redis-'));
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  const url = `redis://${auth}127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const server: DurableRedis = {
    port,
    url,
    dir,
    running: () => proc !== undefined && proc.exitCode === null && proc.signalCode === null,
    async start() {
      // The docker-compose setup: --appendonly yes and a data directory.
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
      args.push('--appendonly', 'yes', '--appendfsync', 'everysec');
      if (options.password) args.push('--requirepass', options.password);
      const started = spawn('redis-server', args, { stdio: 'ignore' });
      proc = started;
      exited = new Promise<void>((resolve) => {
        started.on('exit', () => resolve());
        started.on('error', () => resolve());
      });
      await waitFor(`redis-server on port ${port}`, () => redisAnswers(url, 200), {
        timeoutMs: 15_000,
        intervalMs: 50,
      });
    },
    async stop() {
      if (server.running()) proc?.kill('SIGTERM');
      await exited;
      proc = undefined;
    },
    async destroy() {
      if (server.running()) proc?.kill('SIGKILL');
      await exited;
      proc = undefined;
      rmSync(dir, { recursive: true, force: true });
      durableServers.delete(server);
    },
  };
  await server.start();
  durableServers.add(server);
  return server;
}

export async function destroyDurableRedis(): Promise<void> {
  await Promise.allSettled([...durableServers].map((server) => server.destroy()));
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
