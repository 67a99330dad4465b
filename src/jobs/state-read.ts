// The sync state read once by a command that runs no jobs (`apply`): what the last comparison of each
// entity read. Redis may not be running then (a one-off sync's private Redis is gone, say): the caller
// is told so, and decides what it does without. The connection neither waits for Redis to come back
// nor retries: a command that only reads does not hang on a Redis that went away.

import type { Config } from '../config.js';
import type { EntityState } from '../sync/state.js';
import { openRedis } from './redis-connection.js';
import { redisStateStore } from './state-store.js';
import { storeScope } from './store-scope.js';

/** Keys an HMGET asks for at once. */
const CHUNK = 1000;
const CONNECT_TIMEOUT_MS = 1_000;

/** The sync state of `keys` (those it has); undefined when Redis at redis.url does not answer. */
export async function readSyncState(
  config: Pick<Config, 'redis' | 'store'>,
  keys: readonly string[],
): Promise<Map<string, EntityState> | undefined> {
  const redis = openRedis(config.redis, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined); // the failed command below says it
  try {
    await redis.connect();
    const state = redisStateStore(redis, storeScope(config).prefix);
    const found = new Map<string, EntityState>();
    for (let i = 0; i < keys.length; i += CHUNK)
      for (const [key, value] of await state.get(keys.slice(i, i + CHUNK))) found.set(key, value);
    return found;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}
