// Where the batches keep each entity's sync state (what its last comparison saw). The runs use the
// proposal store's (storeStateStore): it outlives a Redis without persistence, so the night after a
// flush costs what an unchanged night costs. Redis kept it before (one hash under the prefix, field =
// record key, value = the state as JSON); adoptRedisState moves what an older factsync left there into
// the store once, so an upgrade does not cost a first night either.

import type { Redis } from 'ioredis';
import { storeKeys } from '../redis-keys.js';
import type { SyncStateStore } from '../sinks/store.js';
import type { EntityState } from '../sync/state.js';
import { BASE_PREFIX, type StoreScope } from './store-scope.js';

export interface StateStore {
  get(keys: readonly string[]): Promise<Map<string, EntityState>>;
  set(states: ReadonlyMap<string, EntityState>): Promise<void>;
  /** Forget everything: the next run compares every entity in full. */
  clear(): Promise<void>;
}

/** The sync state in the proposal store (store.ts SyncStateStore), shared by every worker. */
export function storeStateStore(store: SyncStateStore): StateStore {
  return {
    get: (keys) => store.syncStates(keys),
    set: (states) => store.saveSyncStates(states),
    clear: () => store.clearSyncState(),
  };
}

/** Entries adoptRedisState moves at a time. */
const ADOPT_CHUNK = 1_000;

/**
 * Moves the sync state an older factsync kept in Redis under this store's prefix into the proposal
 * store, then deletes the hash; returns how many states moved. A state the store already has is newer
 * (a run of this version wrote it) and stays.
 */
export async function adoptRedisState(redis: Redis, prefix: string, store: SyncStateStore): Promise<number> {
  const key = storeKeys(prefix).state;
  if ((await redis.exists(key)) === 0) return 0;
  let moved = 0;
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(key, cursor, 'COUNT', ADOPT_CHUNK);
    cursor = next;
    const found = new Map<string, EntityState>();
    for (let i = 0; i + 1 < flat.length; i += 2)
      found.set(flat[i] as string, JSON.parse(flat[i + 1] as string) as EntityState);
    const known = await store.syncStates([...found.keys()]);
    for (const entity of known.keys()) found.delete(entity);
    await store.saveSyncStates(found);
    moved += found.size;
  } while (cursor !== '0');
  await redis.del(key);
  return moved;
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
