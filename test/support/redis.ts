// A real Redis connection for a test file, under a key prefix of its own, cleaned up afterwards.
// FACTSYNC_REDIS_CLUSTER=true makes REDIS_URL one node of a Redis Cluster (test/support/start-redis-
// cluster.ts starts one): connections to it are cluster clients, and test prefixes are hash tags.

import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { openRedis } from '../../src/jobs/redis-connection.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether the suite's shared Redis (REDIS_URL) is a Redis Cluster. */
export const REDIS_CLUSTER = process.env.FACTSYNC_REDIS_CLUSTER === 'true';

/** Whether `url` is the suite's Redis Cluster (a private redis-server never is). */
export const isClusterUrl = (url: string | undefined): boolean => REDIS_CLUSTER && url === REDIS_URL;

/** The environment that points a child process at the suite's Redis (and says when it is a cluster). */
export function redisEnv(): Record<string, string> {
  return { REDIS_URL, ...(REDIS_CLUSTER ? { FACTSYNC_REDIS_CLUSTER: 'true' } : {}) };
}

export function testPrefix(name: string): string {
  const prefix = `factsync-test-${name}-${randomUUID().slice(0, 8)}`;
  return REDIS_CLUSTER ? `{${prefix}}` : prefix;
}

/** A connection to `url` (the suite's Redis by default): a cluster client when it is the cluster. */
export function connectRedis(
  url: string = REDIS_URL,
  options: { maxRetriesPerRequest?: number } = {},
): Redis {
  const settings = { maxRetriesPerRequest: options.maxRetriesPerRequest ?? 3, lazyConnect: false };
  return openRedis({ url, cluster: isClusterUrl(url) }, settings);
}

/** The keys matching `pattern`, on every master when `redis` is a cluster (KEYS asks one node only). */
export async function keysMatching(redis: Redis, pattern: string): Promise<string[]> {
  const cluster = redis as unknown as Partial<Cluster>;
  if (!cluster.isCluster) return redis.keys(pattern);
  if (cluster.status !== 'ready') await new Promise((resolve) => cluster.once?.('ready', resolve));
  const found = await Promise.all((cluster.nodes?.('master') ?? []).map((node) => node.keys(pattern)));
  return found.flat();
}

/** Deletes every key under `prefix`; returns how many. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<number> {
  const cluster = redis as unknown as Partial<Cluster>;
  if (cluster.isCluster) {
    if (cluster.status !== 'ready') await new Promise((resolve) => cluster.once?.('ready', resolve));
    let dropped = 0;
    for (const node of cluster.nodes?.('master') ?? []) dropped += await dropPrefix(node, prefix);
    return dropped;
  }
  let cursor = '0';
  let dropped = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) dropped += await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  return dropped;
}

/**
 * A connection to the suite's Redis for one test file, and `newPrefix(name)` for fresh prefixes; every
 * key under them is dropped and the connection closed after the file (`afterAll`).
 */
export function redisForFile(afterAll: (fn: () => Promise<void>) => void): {
  redis: Redis;
  newPrefix: (name: string) => string;
} {
  const redis = connectRedis();
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const prefix of prefixes) await dropPrefix(redis, prefix);
    redis.disconnect();
  });
  const newPrefix = (name: string) => {
    const prefix = testPrefix(name);
    prefixes.push(prefix);
    return prefix;
  };
  return { redis, newPrefix };
}
