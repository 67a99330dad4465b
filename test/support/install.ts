// The one way to build a factsync installation for a test or a benchmark: a temp folder, the fake
// Wikimedia, a local store (the example cards against the fake's fixtures, or JSONL records of the
// fake's generated entities), a SQLite store and reports, a --config file and an environment for CLI
// children, a Redis prefix of its own, and an in-process runtime over the same installation.
// `close()` stops the runtime and the fake, drops the prefix and removes the folder. The benchmarks
// write their installations' files with the same `writeInstallFiles`, over a fake in its own process.

import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type FakeWikimedia,
  type FakeWikimediaOptions,
  type GeneratedRecord,
  generatedRecord,
  startFakeWikimedia,
} from '../../dev/fake-wikimedia/src/index.js';
import { type Config, loadConfig } from '../../src/config.js';
import { redisAnswers } from '../../src/jobs/embedded-redis.js';
import { openRuntime, type Runtime } from '../../src/jobs/runtime.js';
import { createLogger } from '../../src/log.js';
import { fakeEnv, overlay, type Tree, writeConfigFile } from './config.js';
import { connectRedis, dropPrefix, REDIS_URL, testPrefix } from './redis.js';
import { ROOT } from './spawn.js';

export interface InstallOptions {
  /** Generated entities in the fake, with JSONL records gen-0 … that match them; without: the example cards. */
  readonly entities?: number;
  /** For the fake (seed, latencyMs, faults, fixturesDir…), over the defaults of the install's kind. */
  readonly fake?: FakeWikimediaOptions;
  /** A fake already running, shared with other installs: used as is, and not closed by `close()`. */
  readonly sharedFake?: FakeWikimedia;
  /**
   * An existing local store to read (a JSONL file with `entities`, else a cards folder), shared or
   * written by the caller: nothing is copied or generated, and `records` is empty.
   */
  readonly local?: string;
  /**
   * The --config file `file` is overlaid on: the shape of the install's kind (default), or only the
   * install's own paths (store, reports, local store) over the project defaults.
   */
  readonly base?: 'kind' | 'paths';
  /** Overlaid on the --config file the CLI children get (http, worker, sync, local…). */
  readonly file?: Tree;
  /** Dotted settings for this process's config only: the children do not see them. */
  readonly settings?: Record<string, unknown>;
  /** Added to the children's environment and to the config this process loads (DATABASE_URL…). */
  readonly env?: Record<string, string>;
  /** Redis for the queues: the shared one by default. */
  readonly redisUrl?: string;
  /** The children's log level (warn by default; null: the config's own). */
  readonly logLevel?: string | null;
  /** A silent runtime that ignores Redis errors: for tests that take Redis or the store away. */
  readonly quiet?: boolean;
}

export interface InstallFiles {
  /** The local store: the cards folder, or the JSONL file. */
  readonly local: string;
  /** The YAML file given to every child with --config. */
  readonly configFile: string;
  /** The generated records in the local store (none for a cards install). */
  readonly records: readonly GeneratedRecord[];
  /** The environment the CLI children get: the fake's URLs, the local store, Redis URL and prefix. */
  readonly env: Record<string, string>;
}

export interface TestInstall extends InstallFiles {
  readonly dir: string;
  readonly config: Config;
  readonly fake: FakeWikimedia;
  readonly prefix: string;
  readonly redisUrl: string;
  /** An in-process runtime over the same installation (store, Redis, queues). */
  readonly runtime: Runtime;
  close(): Promise<void>;
}

/** What the install's files need of its fake: its URLs (a fake in another process will do). */
export type InstallFake = Pick<FakeWikimedia, 'wikidataUrl' | 'wikipediaUrl'> & { readonly seed?: number };

/** The fake an install of this shape runs against: fixtures for cards, generated items for JSONL. */
export function startInstallFake(options: InstallOptions): Promise<FakeWikimedia> {
  if (options.sharedFake) return Promise.resolve(options.sharedFake);
  if (options.entities === undefined) return startFakeWikimedia({ seed: 11, ...options.fake });
  return startFakeWikimedia({
    seed: 7,
    entities: options.entities,
    latencyMs: 0,
    fixturesDir: null,
    recentChangesPerDay: 0,
    ...options.fake,
  });
}

/** The --config file of a cards install: store, reports, a budget out of the way, short worker locks. */
function cardsFile(dir: string): Tree {
  return {
    store: { path: path.join(dir, 'factsync.db') },
    reports: { dir: path.join(dir, 'reports') },
    http: { ratePerSecond: 1000, budgetPerHour: 10_000_000 },
    worker: { lockDurationMs: 5000, shutdownTimeoutMs: 5000 },
  };
}

/** The --config file of a generated install: the pipeline's shape (batches, workers, retries). */
function generatedFile(dir: string, jsonl: string): Tree {
  return {
    http: { ratePerSecond: 1000, budgetPerHour: 10_000_000, concurrency: 16, timeoutMs: 5000, retries: 2 },
    local: { kind: 'jsonl', path: jsonl },
    store: { kind: 'sqlite', path: path.join(dir, 'factsync.db') },
    reports: { dir: path.join(dir, 'reports') },
    worker: { concurrency: 2, attempts: 3, lockDurationMs: 3000, shutdownTimeoutMs: 10_000 },
    // These runs are about the pipeline (batches, workers, crashes): every run sweeps, in batches of
    // 50, rather than letting the planner pick the change feed for runs minutes apart.
    sync: { batchSize: 50, strategy: 'sweep' },
  };
}

/** The --config file of a `base: 'paths'` install: its own files, the project defaults otherwise. */
function pathsFile(dir: string, local: string, jsonl: boolean): Tree {
  return {
    local: jsonl ? { kind: 'jsonl', path: local } : { path: local },
    store: { path: path.join(dir, 'factsync.db') },
    reports: { dir: path.join(dir, 'reports') },
  };
}

/** Fills `dir` with the local store and the --config file, for `fake`; no Redis, no runtime. */
export function writeInstallFiles(
  dir: string,
  fake: InstallFake,
  options: InstallOptions & { readonly prefix?: string },
): InstallFiles {
  mkdirSync(dir, { recursive: true });
  const jsonl = options.entities !== undefined;
  const local = options.local ?? path.join(dir, jsonl ? 'records.jsonl' : 'cards');
  let records: GeneratedRecord[] = [];
  if (options.local === undefined && !jsonl) {
    cpSync(path.join(ROOT, 'examples', 'cards'), local, { recursive: true });
  } else if (options.local === undefined) {
    const count = options.entities ?? 0;
    const seed = fake.seed;
    if (seed === undefined) throw new Error("writeInstallFiles: generated records need the fake's seed");
    records = Array.from({ length: count }, (_, i) => generatedRecord(seed, i, { count }));
    writeFileSync(local, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }
  const base =
    options.base === 'paths'
      ? pathsFile(dir, local, jsonl)
      : jsonl
        ? generatedFile(dir, local)
        : cardsFile(dir);
  const configFile = writeConfigFile(path.join(dir, 'factsync.yaml'), overlay(base, options.file ?? {}));
  const env: Record<string, string> = {
    ...fakeEnv(fake, {
      ...(options.redisUrl ? { url: options.redisUrl } : {}),
      ...(options.prefix ? { prefix: options.prefix } : {}),
    }),
    ...(options.entities === undefined ? {} : { FACTSYNC_LOCAL_KIND: 'jsonl' }),
    FACTSYNC_LOCAL: local,
    ...(options.logLevel === null ? {} : { FACTSYNC_LOG_LEVEL: options.logLevel ?? 'warn' }),
    ...options.env,
  };
  return { local, configFile, records, env };
}

export async function testInstall(name: string, options: InstallOptions = {}): Promise<TestInstall> {
  const dir = mkdtempSync(path.join(tmpdir(), `factsync-${name}-`));
  const fake = await startInstallFake(options);
  const prefix = testPrefix(name);
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const files = writeInstallFiles(dir, fake, { ...options, redisUrl, prefix });
  // The config the children load (the file, then the environment), with this process's own settings;
  // in-process runs of a cards install use 4 connections, as they always have.
  const inProcess = options.entities === undefined ? { 'http.concurrency': 4 } : {};
  const config = loadConfig({
    file: files.configFile,
    env: files.env,
    overrides: { ...inProcess, ...options.settings },
  });
  const runtime = await openRuntime(config, createLogger(options.quiet ? 'silent' : 'warn'));
  if (options.quiet) runtime.redis.on('error', () => undefined);
  return {
    ...files,
    dir,
    config,
    fake,
    prefix,
    redisUrl,
    runtime,
    async close() {
      await runtime.close();
      if (!options.sharedFake) await fake.close();
      await dropPrefixIfUp(redisUrl, prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Drops the install's keys, unless its Redis is gone (a test may have stopped it). */
async function dropPrefixIfUp(redisUrl: string, prefix: string): Promise<void> {
  if (!(await redisAnswers(redisUrl, 500))) return;
  const redis = connectRedis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await dropPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}
