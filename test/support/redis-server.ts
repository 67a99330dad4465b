// Private redis-servers for tests and benchmarks that stop, restart or measure Redis: on a free
// loopback port, empty, or durable (AOF in a data directory, as docker-compose runs Redis, so the data
// survives a SIGTERM restart), with a password when asked. `stopRedisServers()` (afterAll) removes all.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, redisAnswers } from '../../src/jobs/embedded-redis.js';
import { waitFor } from './wait.js';

export { freePort };

export interface RedisServer {
  readonly port: number;
  /** With the password, when there is one. */
  readonly url: string;
  readonly dir: string;
  /** The server's pid while it runs. */
  pid(): number | undefined;
  running(): boolean;
  /** Durable: SIGTERM (Redis writes its AOF out, as on `docker compose restart`); else SIGKILL. Waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty unless durable). */
  start(): Promise<void>;
  /** Kills it and removes its data directory. */
  destroy(): Promise<void>;
}

export interface RedisServerOptions {
  /** Append-only file in its data directory, kept across stop/start. */
  readonly durable?: boolean;
  readonly password?: string;
  /** The data directory (default: a new temp dir, removed by destroy). */
  readonly dir?: string;
}

const servers = new Set<RedisServer>();

function serverArgs(port: number, dir: string, options: RedisServerOptions): string[] {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  args.push('--appendonly', options.durable ? 'yes' : 'no');
  if (options.durable) args.push('--appendfsync', 'everysec');
  if (options.password) args.push('--requirepass', options.password);
  return args;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'factsync-test-redis-'));
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  const url = `redis://${auth}127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const running = () => proc !== undefined && proc.exitCode === null && proc.signalCode === null;
  const server: RedisServer = {
    port,
    url,
    dir,
    pid: () => (running() ? proc?.pid : undefined),
    running,
    async start() {
      const started = spawn('redis-server', serverArgs(port, dir, options), { stdio: 'ignore' });
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
      if (running()) proc?.kill(options.durable ? 'SIGTERM' : 'SIGKILL');
      await exited;
      proc = undefined;
    },
    async destroy() {
      if (running()) proc?.kill('SIGKILL');
      await exited;
      proc = undefined;
      if (ownDir) rmSync(dir, { recursive: true, force: true });
      servers.delete(server);
    },
  };
  await server.start();
  servers.add(server);
  return server;
}

/** Kills every server started here and removes their data: for afterAll. */
export async function stopRedisServers(): Promise<void> {
  await Promise.allSettled([...servers].map((server) => server.destroy()));
}
