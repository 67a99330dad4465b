// Building blocks for the queued-pipeline tests: an installation over generated JSONL records (the fake
// Wikimedia's generated items, with the local records that match them), `factsync` child processes
// (workers, one-off commands) tracked so a test file can kill every one it started, private
// redis-servers, and polling.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { type Config, loadConfig } from '../../src/config.js';
import {
  type FakeWikimedia,
  type GeneratedRecord,
  generatedRecord,
  startFakeWikimedia,
} from '../../src/dev/fake-wikimedia/index.js';
import { freePort, redisAnswers } from '../../src/jobs/embedded-redis.js';
import { openRuntime, type Runtime } from '../../src/jobs/runtime.js';
import { createLogger } from '../../src/log.js';
import { canonicalJson } from '../../src/model/proposal.js';
import type { ProposalStore } from '../../src/sinks/store.js';
import { ROOT } from './cli.js';
import { dropPrefix, REDIS_URL, testPrefix } from './redis.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something other than undefined/false; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`,
      );
    await sleep(intervalMs);
  }
}

export { freePort };

// ---------------------------------------------------------------------------------------------------
// Child processes

export interface CliChild {
  readonly pid: number;
  readonly process: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited (and its pipes are closed). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when stdout+stderr match `pattern`; rejects if the process exits first or on timeout. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  running(): boolean;
}

/** `factsync` processes started by a test file, killed by `killChildren()` (afterAll), even on failure. */
const children = new Set<CliChild>();

/** Starts `node bin/factsync.js ARGS` with exactly `env` (plus PATH and HOME unless given). */
export function spawnCli(args: readonly string[], env: Record<string, string>, cwd = ROOT): CliChild {
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin', 'factsync.js'), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('close', (code, signal) => resolve({ code, signal }));
    proc.on('error', () => resolve({ code: null, signal: null }));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const child: CliChild = {
    pid: proc.pid ?? -1,
    process: proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    running: () => !done,
    async waitForOutput(pattern, timeoutMs = 20_000) {
      await waitFor(
        `output ${pattern} from factsync ${args.join(' ')}`,
        () => {
          if (pattern.test(out) || pattern.test(err)) return true;
          if (done)
            throw new Error(
              `factsync ${args.join(' ')} exited before printing ${pattern}:\n${out}\n${err}`.slice(0, 4000),
            );
          return false;
        },
        { timeoutMs, intervalMs: 50 },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\nstdout: ${out.slice(-2000)}\nstderr: ${err.slice(-2000)}`);
      });
    },
  };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

/** Runs `factsync ARGS` to the end. */
export async function runCliTracked(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnCli(args, env);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
  try {
    const { code } = await child.exited;
    return { code, stdout: child.stdout(), stderr: child.stderr() };
  } finally {
    clearTimeout(timer);
  }
}

/** Starts `factsync worker` and waits until it says it is ready. */
export async function startWorkerChild(
  install: { env: Record<string, string>; configFile: string },
  extra: string[] = [],
) {
  const child = spawnCli(['--config', install.configFile, 'worker', ...extra], install.env);
  await child.waitForOutput(/factsync worker \d+ ready/);
  return child;
}

/** Kills every child still running (SIGKILL) and waits for them: for afterAll. */
export async function killChildren(): Promise<void> {
  const running = [...children];
  for (const child of running) if (child.running()) child.process.kill('SIGKILL');
  await Promise.all(running.map((child) => child.exited));
}

// ---------------------------------------------------------------------------------------------------
// Private redis-servers

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** SHUTDOWN NOSAVE-like: kills the server and waits for it to be gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty). */
  start(): Promise<void>;
}

const redisServers = new Set<PrivateRedis>();

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const server: PrivateRedis = {
    port,
    url,
    async start() {
      const started = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      proc = started;
      exited = new Promise<void>((resolve) => {
        started.on('exit', () => resolve());
        started.on('error', () => resolve());
      });
      await waitFor(`redis-server on port ${port}`, () => redisAnswers(url, 200), {
        timeoutMs: 10_000,
        intervalMs: 50,
      });
    },
    async stop() {
      if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
      proc = undefined;
    },
  };
  await server.start();
  redisServers.add(server);
  return server;
}

export async function stopRedisServers(): Promise<void> {
  await Promise.all([...redisServers].map((server) => server.stop()));
  redisServers.clear();
}

// ---------------------------------------------------------------------------------------------------
// An installation over generated records

export interface GeneratedInstallOptions {
  /** Generated entities (and local records gen-0 … gen-{entities-1}). */
  readonly entities: number;
  readonly seed?: number;
  /** Added by the fake to every answer. */
  readonly latencyMs?: number;
  readonly redisUrl?: string;
  readonly batchSize?: number;
  readonly lockDurationMs?: number;
  readonly shutdownTimeoutMs?: number;
  readonly concurrency?: number;
  readonly logLevel?: string;
}

export interface GeneratedInstall {
  readonly dir: string;
  readonly jsonl: string;
  /** The YAML file given to every child with --config. */
  readonly configFile: string;
  readonly config: Config;
  readonly fake: FakeWikimedia;
  readonly prefix: string;
  readonly redisUrl: string;
  readonly records: readonly GeneratedRecord[];
  /** An in-process runtime over the same installation (store, Redis, queues). */
  readonly runtime: Runtime;
  /** The environment the CLI children get. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

export interface GeneratedFiles {
  readonly jsonl: string;
  readonly configFile: string;
  readonly records: readonly GeneratedRecord[];
  /** For the CLI: the fake's URLs, the local store, and the Redis URL and prefix when given. */
  readonly env: Record<string, string>;
}

/** Writes the generated records as JSONL into `dir`, and a config file for them (store, reports, worker). */
export function writeGeneratedFiles(
  dir: string,
  fake: FakeWikimedia,
  options: GeneratedInstallOptions & { readonly prefix?: string },
): GeneratedFiles {
  const seed = fake.seed;
  const records = Array.from({ length: options.entities }, (_, i) =>
    generatedRecord(seed, i, { count: options.entities }),
  );
  const jsonl = path.join(dir, 'records.jsonl');
  writeFileSync(jsonl, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const configFile = path.join(dir, 'factsync.yaml');
  writeFileSync(
    configFile,
    stringify({
      http: { ratePerSecond: 1000, budgetPerHour: 10_000_000, concurrency: 16, timeoutMs: 5000, retries: 2 },
      local: { kind: 'jsonl', path: jsonl },
      store: { kind: 'sqlite', path: path.join(dir, 'factsync.db') },
      reports: { dir: path.join(dir, 'reports') },
      worker: {
        concurrency: options.concurrency ?? 2,
        attempts: 3,
        lockDurationMs: options.lockDurationMs ?? 3000,
        shutdownTimeoutMs: options.shutdownTimeoutMs ?? 10_000,
      },
      // These runs are about the pipeline (batches, workers, crashes): every run sweeps, in batches of
      // batchSize, rather than letting the planner pick the change feed for runs minutes apart.
      sync: { batchSize: options.batchSize ?? 50, strategy: 'sweep' },
    }),
  );
  const env: Record<string, string> = {
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...(options.prefix ? { FACTSYNC_PREFIX: options.prefix } : {}),
    WIKIDATA_URL: fake.wikidataUrl,
    WIKIPEDIA_URL: fake.wikipediaUrl,
    FACTSYNC_USER_AGENT: 'factsync-tests/1.0 (tests@example.org)',
    FACTSYNC_LOCAL_KIND: 'jsonl',
    FACTSYNC_LOCAL: jsonl,
    FACTSYNC_LOG_LEVEL: options.logLevel ?? 'warn',
  };
  return { jsonl, configFile, records, env };
}

/** The fake Wikimedia with the generated items that `writeGeneratedFiles` writes records for. */
export function startGeneratedFake(options: GeneratedInstallOptions): Promise<FakeWikimedia> {
  return startFakeWikimedia({
    seed: options.seed ?? 7,
    entities: options.entities,
    latencyMs: options.latencyMs ?? 0,
    fixturesDir: null,
    recentChangesPerDay: 0,
  });
}

export async function generatedInstall(
  name: string,
  options: GeneratedInstallOptions,
): Promise<GeneratedInstall> {
  const dir = mkdtempSync(path.join(tmpdir(), `factsync-${name}-`));
  const fake = await startGeneratedFake(options);
  const prefix = testPrefix(name);
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const { jsonl, configFile, records, env } = writeGeneratedFiles(dir, fake, {
    ...options,
    redisUrl,
    prefix,
  });
  // The same config the children load: the file, then the environment.
  const config = loadConfig({ file: configFile, env });
  const runtime = await openRuntime(config, createLogger('warn'));
  return {
    dir,
    jsonl,
    configFile,
    config,
    fake,
    prefix,
    redisUrl,
    records,
    runtime,
    env,
    async close() {
      await runtime.close();
      await fake.close();
      if (await redisAnswers(redisUrl, 500)) {
        const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
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

/** Proposals as comparable lines (no timestamps, run ids or evidence URLs, which differ between installs). */
export async function proposalLines(store: ProposalStore): Promise<string[]> {
  const lines: string[] = [];
  for await (const p of store.stream({})) {
    lines.push(
      [
        p.id,
        p.entity,
        p.qid,
        p.field,
        p.kind,
        p.status,
        canonicalJson(p.local),
        canonicalJson(p.remote),
      ].join(' | '),
    );
  }
  return lines.sort();
}

/** Proposals by entity: "entity → sorted ids". */
export async function proposalsByEntity(store: ProposalStore): Promise<Map<string, string[]>> {
  const byEntity = new Map<string, string[]>();
  for await (const p of store.stream({})) byEntity.set(p.entity, [...(byEntity.get(p.entity) ?? []), p.id]);
  for (const ids of byEntity.values()) ids.sort();
  return byEntity;
}
