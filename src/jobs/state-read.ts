// The sync state read once by a command that runs no jobs (`apply`): what the last comparison of each
// entity read. Redis may not be running then (a one-off sync's private Redis is gone): the caller is
// told so, and decides what it does without.

import type { Config } from '../config.js';
import { redisAnswers } from './embedded-redis.js';
import { connectRedis } from './runtime.js';
import type { EntityState } from './state.js';
import { redisStateStore } from './state-store.js';
import { storeScope } from './store-scope.js';

/** Keys an HMGET asks for at once. */
const CHUNK = 1000;

/** The sync state of `keys` (those it has); undefined when nothing answers at redis.url. */
export async function readSyncState(
  config: Pick<Config, 'redis' | 'store'>,
  keys: readonly string[],
): Promise<Map<string, EntityState> | undefined> {
  if (!(await redisAnswers(config.redis.url))) return undefined;
  const redis = connectRedis(config.redis.url);
  try {
    const state = redisStateStore(redis, storeScope(config).prefix);
    const found = new Map<string, EntityState>();
    for (let i = 0; i < keys.length; i += CHUNK)
      for (const [key, value] of await state.get(keys.slice(i, i + CHUNK))) found.set(key, value);
    return found;
  } finally {
    redis.disconnect();
  }
}
