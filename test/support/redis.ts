// A real Redis connection for a test file, under a key prefix of its own, cleaned up afterwards.

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testPrefix(name: string): string {
  return `factsync-test-${name}-${randomUUID().slice(0, 8)}`;
}

export function connectRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: false });
}

/** Deletes every key under `prefix`; returns how many. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let dropped = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) dropped += await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  return dropped;
}
