// Everything a factsync process needs to run jobs, built once from the config: Redis connections,
// the local store, the proposal store, the remote sources, sync state and progress. Passed to job
// processors as a parameter; nothing here is a module-level singleton.

import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { type LocalSource, openLocalSource } from '../local/read/index.js';
import type { Logger } from '../log.js';
import { openStore } from '../sinks/open-store.js';
import type { ProposalStore } from '../sinks/store.js';
import { waitingStore } from '../sinks/waiting-store.js';
import { createSources, type Sources } from '../sources/index.js';
import { ChangeIndex } from './change-index.js';
import { adoptRedisPositions } from './durable-index.js';
import { ProgressTracker, RefreshTracker } from './progress.js';
import { type QueueSettings, queueSettings } from './queues.js';
import { openRedis, type RedisTarget } from './redis-connection.js';
import {
  adoptRedisState,
  legacyStateAdvice,
  legacyStateLeft,
  type StateStore,
  storeStateStore,
} from './state-store.js';
import { type StoreScope, storeScope } from './store-scope.js';

export interface Runtime {
  readonly config: Config;
  readonly log: Logger;
  /** For factsync's own keys (gate, labels, change index, progress); the sync state is the store's. */
  readonly redis: Redis;
  /** The store's queues: its prefix (`scope.prefix`) and identity. */
  readonly settings: QueueSettings;
  /** Which store this is, and its prefixes: its own, and the one all stores share. */
  readonly scope: StoreScope;
  readonly local: LocalSource;
  readonly store: ProposalStore;
  readonly sources: Sources;
  readonly state: StateStore;
  /** The change feeds' hits on the local store, its index, and where each feed was last read. */
  readonly changes: ChangeIndex;
  readonly progress: ProgressTracker;
  readonly refreshes: RefreshTracker;
  /** Now, in epoch ms, for planning (Date.now when absent; tests move it). */
  readonly clock?: () => number;
  close(): Promise<void>;
}

/**
 * A Redis connection as BullMQ needs it: commands wait while Redis restarts instead of failing. A bare
 * URL is one Redis server; redis.url with redis.cluster set may be a cluster (jobs/redis-connection.ts).
 */
export function connectRedis(target: RedisTarget | string, log?: Logger): Redis {
  const redis = openRedis(target, { maxRetriesPerRequest: null, enableReadyCheck: true });
  // While Redis restarts, ioredis reconnects on its own; say so once a second at most, without a stack.
  let last = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - last < 1_000) return;
    last = Date.now();
    log?.warn({ err: { message: error.message } }, 'Redis connection error; reconnecting');
  });
  return redis;
}

/** What an older factsync kept in Redis moves into the proposal store (state-store.ts, durable-index.ts). */
async function adoptFromRedis(
  redis: Redis,
  prefix: string,
  store: ProposalStore,
  log: Logger,
): Promise<void> {
  try {
    const states = await adoptRedisState(redis, prefix, store);
    const positions = await adoptRedisPositions(redis, prefix, store);
    if (states > 0 || positions)
      log.info({ states, positions }, 'moved the sync state Redis kept into the proposal store');
  } catch (error) {
    log.warn({ err: { message: String(error) } }, 'could not move the sync state Redis kept into the store');
  }
}

export async function openRuntime(
  config: Config,
  log: Logger,
  redis: Redis = connectRedis(config.redis, log),
): Promise<Runtime> {
  const scope = storeScope(config);
  const prefix = scope.prefix;
  const opened = await Promise.allSettled([
    openLocalSource(config),
    openStore(config),
    createSources(config, { redis, log, sharedPrefix: scope.shared }),
  ] as const);
  const [localResult, storeResult, sourcesResult] = opened;
  if (
    localResult.status === 'rejected' ||
    storeResult.status === 'rejected' ||
    sourcesResult.status === 'rejected'
  ) {
    // Close what did open, the Redis connection too: left open, they would keep the process alive
    // after the command has reported its error (a store that is down at start-up hung `sync`).
    await Promise.allSettled([
      storeResult.status === 'fulfilled' ? storeResult.value.close() : undefined,
      sourcesResult.status === 'fulfilled' ? sourcesResult.value.close() : undefined,
    ]);
    redis.disconnect();
    throw (opened.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason;
  }
  const [local, sources] = [localResult.value, sourcesResult.value];
  if (await legacyStateLeft(redis, scope)) log.warn({ prefix: scope.prefix }, legacyStateAdvice(scope));
  const store = waitingStore(storeResult.value, { maxWaitMs: config.store.maxWaitMs, log });
  await adoptFromRedis(redis, prefix, store, log);
  return {
    config,
    log,
    redis,
    settings: queueSettings(config, redis),
    scope,
    local,
    store,
    sources,
    // Durable in the proposal store: a Redis flush must not make the next night a first night.
    state: storeStateStore(store),
    changes: new ChangeIndex(redis, prefix, store),
    progress: new ProgressTracker(redis, prefix),
    refreshes: new RefreshTracker(redis, prefix),
    async close() {
      await Promise.allSettled([sources.close(), store.close()]);
      redis.disconnect();
    },
  };
}
