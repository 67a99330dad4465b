// Sync state in Redis: one hash under the prefix, field = record key, value = the entity's state (JSON).
// Shared by every worker; a million entities take about 100 MB of Redis, none of any process.

import type { Redis } from 'ioredis';
import type { EntityState } from './state.js';

export interface StateStore {
  get(keys: readonly string[]): Promise<Map<string, EntityState>>;
  set(states: ReadonlyMap<string, EntityState>): Promise<void>;
  /** Forget everything: the next run compares every entity in full. */
  clear(): Promise<void>;
}

export function redisStateStore(redis: Redis, prefix: string): StateStore {
  const key = `${prefix}:state`;
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
