// Redis for a one-off `factsync sync` on a machine that has none running: when nothing answers at the
// default URL, a private redis-server from PATH runs for the command's lifetime (data under data/).

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { redactUrl } from '../config.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Thrown when there is no Redis and none can be started: the command exits 2 with this advice. */
export class NoRedisError extends Error {
  readonly code = 'NO_REDIS';
}

export async function redisAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** A TCP port on loopback that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface EmbeddedRedis {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Redis at `url` if it answers; otherwise, for the default URL only, a private redis-server on a free
 * loopback port. Throws NoRedisError saying how to get Redis when neither is possible.
 */
export async function ensureRedis(url: string, dataDir: string): Promise<EmbeddedRedis | undefined> {
  if (await redisAnswers(url)) return undefined;
  const advice =
    'start one with `docker run -d -p 127.0.0.1:6379:6379 redis:7-alpine`, or install your OS package (`apt-get install redis-server`)';
  if (url !== DEFAULT_REDIS_URL)
    throw new NoRedisError(`nothing answers at REDIS_URL (redis.url) ${redactUrl(url)}: ${advice}`);
  if (spawnSync('redis-server', ['--version']).error) {
    throw new NoRedisError(`no Redis answers at ${url} and there is no redis-server on PATH: ${advice}`);
  }
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const embeddedUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await redisAnswers(embeddedUrl, 200)); i++)
    await new Promise((r) => setTimeout(r, 100));
  if (!(await redisAnswers(embeddedUrl))) {
    child.kill();
    throw new NoRedisError(`could not start redis-server on port ${port}: ${advice}`);
  }
  return {
    url: embeddedUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
