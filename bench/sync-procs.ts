// Process plumbing for the sync benchmark (bench/sync.ts): `factsync` child processes (the fake
// Wikimedia, workers, one-off commands), a private redis-server, and what /proc says about each
// process (resident memory, its peak, CPU time) and about the machine (CPU busy time).

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { dropPrefix } from '../test/support/redis.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { type Child, killChildren, spawnTracked, stopAll } from '../test/support/spawn.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = path.join(ROOT, 'bin', 'factsync.js');
export const MIB = 1024 * 1024;

export function progress(message: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

// ---------------------------------------------------------------------------------------------------
// Child processes: test/support/spawn.ts tracks every one, so that all are stopped at the end (by pid)

export { type Child, killChildren, stopAll };

export interface NodeOptions {
  readonly env?: Record<string, string>;
  /** Called with each complete line of stderr (progress of `factsync sync`, say). */
  readonly onStderrLine?: (line: string) => void;
}

/** Starts `node ARGS` with exactly PATH, HOME and `env` (the caller's environment is not passed on). */
export function spawnNode(name: string, args: readonly string[], options: NodeOptions = {}): Child {
  return spawnTracked(process.execPath, args, { ...options, name });
}

/** `node bin/factsync.js ARGS`. */
export function spawnCli(name: string, args: readonly string[], options: NodeOptions = {}): Child {
  return spawnNode(name, [CLI, ...args], options);
}

// ---------------------------------------------------------------------------------------------------
// The fake Wikimedia in its own process

export interface FakeChild {
  readonly child: Child;
  readonly url: string;
  readonly wikidataUrl: string;
  readonly wikipediaUrl: string;
  readonly latencyMs: number;
  stats(): Promise<FakeStats>;
  control(action: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export interface FakeStats {
  requests: number;
  bytes: number;
  byEndpoint: Record<string, { requests: number; bytes: number }>;
  byStatus: Record<string, number>;
  idsRequested: number;
  titlesRequested: number;
}

/** `factsync fake-wikimedia --port 0`, with the flags given (the command's defaults otherwise). */
export async function startFakeChild(
  options: { entities?: number; latencyMs?: number; seed?: number } = {},
): Promise<FakeChild> {
  const flags = [
    ...(options.entities === undefined ? [] : ['--entities', String(options.entities)]),
    ...(options.latencyMs === undefined ? [] : ['--latency', String(options.latencyMs)]),
    ...(options.seed === undefined ? [] : ['--seed', String(options.seed)]),
  ];
  const name =
    options.latencyMs === undefined ? 'fake-wikimedia' : `fake-wikimedia (latency ${options.latencyMs} ms)`;
  const child = spawnCli(name, ['fake-wikimedia', ...flags, '--port', '0']);
  const wikidata = await child.waitForOutput(/^export WIKIDATA_URL=(\S+)$/m, 120_000);
  const wikipedia = await child.waitForOutput(/^export WIKIPEDIA_URL='?([^'\s]+)'?$/m, 60_000);
  const url = (wikidata[1] as string).replace(/\/+$/, '');
  const json = async <T>(response: Response): Promise<T> => {
    const body = (await response.json()) as T;
    if (!response.ok) throw new Error(`fake: HTTP ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
  return {
    child,
    url,
    wikidataUrl: url,
    wikipediaUrl: wikipedia[1] as string,
    latencyMs: options.latencyMs ?? 0,
    stats: async () => json<FakeStats>(await fetch(`${url}/__stats`)),
    control: async (action, args) =>
      json<Record<string, unknown>>(
        await fetch(`${url}/__control/${action}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(args),
        }),
      ),
    stop: () => child.stop(),
  };
}

/** What was served between two snapshots, by endpoint. */
export function statsDelta(before: FakeStats, after: FakeStats): FakeStats {
  const byEndpoint: FakeStats['byEndpoint'] = {};
  for (const [endpoint, counter] of Object.entries(after.byEndpoint)) {
    const old = before.byEndpoint[endpoint] ?? { requests: 0, bytes: 0 };
    const delta = { requests: counter.requests - old.requests, bytes: counter.bytes - old.bytes };
    if (delta.requests > 0) byEndpoint[endpoint] = delta;
  }
  const byStatus: Record<string, number> = {};
  for (const [status, n] of Object.entries(after.byStatus)) {
    const delta = n - (before.byStatus[status] ?? 0);
    if (delta > 0) byStatus[status] = delta;
  }
  return {
    requests: after.requests - before.requests,
    bytes: after.bytes - before.bytes,
    byEndpoint,
    byStatus,
    idsRequested: after.idsRequested - before.idsRequested,
    titlesRequested: after.titlesRequested - before.titlesRequested,
  };
}

// ---------------------------------------------------------------------------------------------------
// A private redis-server: its memory figures are the benchmark's alone

export interface RedisServer {
  readonly url: string;
  /** The server's pid when the benchmark started it. */
  readonly pid?: number;
  readonly private: boolean;
  stop(): Promise<void>;
}

/** A redis-server of the benchmark's own (test/support/redis-server.ts), its data directory `dir`. */
export async function startPrivateRedis(dir: string): Promise<RedisServer> {
  const server = await startRedisServer({ dir });
  const pid = server.pid();
  return {
    url: server.url,
    ...(pid === undefined ? {} : { pid }),
    private: true,
    stop: () => server.destroy(),
  };
}

export interface RedisMemory {
  usedBytes: number;
  peakBytes: number;
  usedHuman: string;
  peakHuman: string;
}

export async function redisMemory(redis: Redis): Promise<RedisMemory> {
  const info = await redis.info('memory');
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
  return {
    usedBytes: Number(field('used_memory')),
    peakBytes: Number(field('used_memory_peak')),
    usedHuman: field('used_memory_human'),
    peakHuman: field('used_memory_peak_human'),
  };
}

export { dropPrefix };

// ---------------------------------------------------------------------------------------------------
// /proc

const TICKS_PER_SECOND = 100;

export interface ProcStatus {
  rssKiB: number;
  peakKiB: number;
}

export function procStatus(pid: number): ProcStatus | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rssKiB: kib('VmRSS'), peakKiB: kib('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Resets the process's peak RSS (VmHWM) to its current RSS (Linux: `echo 5 > /proc/PID/clear_refs`). */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** User + system CPU seconds the process has used so far. */
export function procCpuSeconds(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The machine's CPU time so far: busy (not idle, not iowait) and total, in core-seconds. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}
