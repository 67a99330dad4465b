// The planner's positions in the proposal store (store.ts SyncStateStore positions), for the change
// index (change-index.ts): where each feed was last read (`feed:cursor:<wiki>`), where a re-read of it
// would find every hit not yet dealt with (`feed:safe:<wiki>`, index-restore.ts), what the planner
// estimates from (`sync:meta`) and how many whole-store runs there were (`sync:runs`). An empty value is
// a position taken back (the store deletes none).

import type { Redis } from 'ioredis';
import { durableIndexKeys, storeKeys } from '../redis-keys.js';
import type { SyncStateStore } from '../sinks/store.js';

/** change-index.ts's SyncMeta, spelled out here so the two files do not import each other. */
interface SyncMeta {
  entities?: number;
  pages?: number;
  rowsPerDay: Record<string, number>;
}

const CURSOR = 'feed:cursor:';
const SAFE = 'feed:safe:';
const META = 'sync:meta';
const RUNS = 'sync:runs';

/** The positions under `prefix`, by wiki, without those taken back. */
function byWiki(positions: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(positions).flatMap(([name, value]) =>
      name.startsWith(prefix) && value !== '' ? [[name.slice(prefix.length), value]] : [],
    ),
  );
}

export class DurablePositions {
  constructor(private readonly store: SyncStateStore) {}

  async cursors(): Promise<Record<string, string>> {
    return byWiki(await this.store.syncPositions(), CURSOR);
  }

  async setCursor(wiki: string, cursor: string): Promise<void> {
    await this.store.saveSyncPositions({ [`${CURSOR}${wiki}`]: cursor });
  }

  /** Where re-reading each feed finds every hit not yet dealt with. */
  async safeCursors(): Promise<Record<string, string>> {
    return byWiki(await this.store.syncPositions(), SAFE);
  }

  async setSafeCursors(cursors: Readonly<Record<string, string>>): Promise<void> {
    await this.store.saveSyncPositions(
      Object.fromEntries(Object.entries(cursors).map(([wiki, cursor]) => [`${SAFE}${wiki}`, cursor])),
    );
  }

  /** The feeds start again where it is safe to (index-restore.ts); a feed with no such place, nowhere. */
  async rewind(): Promise<void> {
    const positions = await this.store.syncPositions();
    const [cursors, safe] = [byWiki(positions, CURSOR), byWiki(positions, SAFE)];
    await this.store.saveSyncPositions(
      Object.fromEntries(Object.keys(cursors).map((wiki) => [`${CURSOR}${wiki}`, safe[wiki] ?? ''])),
    );
  }

  async meta(): Promise<SyncMeta> {
    const raw = (await this.store.syncPositions())[META];
    return raw ? (JSON.parse(raw) as SyncMeta) : { rowsPerDay: {} };
  }

  async saveMeta(meta: SyncMeta): Promise<void> {
    await this.store.saveSyncPositions({ [META]: JSON.stringify(meta) });
  }

  /** Not atomic across processes: only a run's plan job counts, one run at a time. */
  async nextRunNumber(): Promise<number> {
    const next = Number((await this.store.syncPositions())[RUNS] ?? 0) + 1;
    await this.store.saveSyncPositions({ [RUNS]: String(next) });
    return next;
  }

  async clear(): Promise<void> {
    await this.store.clearSyncState();
  }
}

/**
 * Moves the positions an older factsync kept in Redis (feed cursors, planner estimates, the run count)
 * into the store when it has none yet, then deletes them there; returns whether it moved any. Their
 * hits and index are still in Redis, so the next run reads the feeds on as an unchanged night would.
 */
export async function adoptRedisPositions(
  redis: Redis,
  prefix: string,
  store: SyncStateStore,
): Promise<boolean> {
  const keys = storeKeys(prefix).changes;
  if ((await redis.exists(keys.cursors, keys.meta, keys.runs)) === 0) return false;
  const positions = new DurablePositions(store);
  if ((await positions.meta()).entities === undefined) {
    const [cursors, meta, runs] = await Promise.all([
      redis.hgetall(keys.cursors),
      redis.hgetall(keys.meta),
      redis.get(keys.runs),
    ]);
    await store.saveSyncPositions({
      ...Object.fromEntries(Object.entries(cursors).map(([wiki, cursor]) => [`${CURSOR}${wiki}`, cursor])),
      [META]: JSON.stringify({
        ...(meta.entities ? { entities: Number(meta.entities) } : {}),
        ...(meta.pages ? { pages: Number(meta.pages) } : {}),
        rowsPerDay: meta.rowsPerDay ? (JSON.parse(meta.rowsPerDay) as Record<string, number>) : {},
      }),
      ...(runs ? { [RUNS]: runs } : {}),
    });
  }
  // The index and the hits are as the older factsync left them, not lost (index-restore.ts).
  await redis
    .multi()
    .del(keys.cursors, keys.meta, keys.runs)
    .set(durableIndexKeys(prefix).epoch, 'adopted')
    .exec();
  return true;
}
