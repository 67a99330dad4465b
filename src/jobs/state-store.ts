// Sync state in Redis: one hash under the prefix, field = record key, value = the entity's state (JSON).
// Shared by every worker; a million entities take about 100 MB of Redis, none of any process.

import type { Redis } from 'ioredis';
import { storeKeys } from '../redis-keys.js';
import type { EntityState } from '../sync/state.js';
import { BASE_PREFIX, type StoreScope } from './store-scope.js';

export interface StateStore {
  get(keys: readonly string[]): Promise<Map<string, EntityState>>;
  set(states: ReadonlyMap<string, EntityState>): Promise<void>;
  /** Forget everything: the next run compares every entity in full. */
  clear(): Promise<void>;
}

export function redisStateStore(redis: Redis, prefix: string): StateStore {
  const key = storeKeys(prefix).state;
  return {
    async get(keys) {
      const found = new Map<string, EntityState>();
      if (keys.length === 0) return found;
      const values = await redis.hmget(key, ...keys);
      values.forEach((value, index) => {
        if (value !== null) found.set(keys[index] as string, JSON.parse(value) as EntityState);
      });
      return found;
    },
    async set(states) {
      if (states.size === 0) return;
      await redis.hset(
        key,
        Object.fromEntries([...states].map(([entity, state]) => [entity, JSON.stringify(state)])),
      );
    },
    async clear() {
      await redis.del(key);
    },
  };
}

/**
 * Whether Redis still holds the sync state an older factsync kept under the one default prefix, which
 * this store — its prefix now derived from it — no longer reads. That state cannot be told apart by
 * store (two stores sharing it is what made one skip entities it never fetched), so it is not adopted:
 * the store's next run fetches everything, and the user is told how to keep it if it was only theirs.
 */
export async function legacyStateLeft(redis: Redis, scope: StoreScope): Promise<boolean> {
  return scope.derived && (await redis.exists(storeKeys(BASE_PREFIX).state)) === 1;
}

/** What to tell the user about legacy state (see legacyStateLeft). */
export function legacyStateAdvice(scope: StoreScope): string {
  return `Redis holds the sync state factsync kept under "${BASE_PREFIX}" before each store had its own prefix; this store's runs use "${scope.prefix}" and do not read it, so its next run fetches every entity again. If that state was only this store's, set redis.prefix: ${BASE_PREFIX} (FACTSYNC_PREFIX) to keep it; else \`redis-cli del ${storeKeys(BASE_PREFIX).state}\` drops it (and this note)`;
}
