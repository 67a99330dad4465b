// Labels and aliases of referenced items ("Sora 2" for Q136505399), cached in Redis with a TTL so
// every worker shares one copy and a label costs a request once a day, not once an entity. Every store
// on a Redis shares them (they are the site's facts, not a store's state), but only for the site they
// were read from: Q42 of another Wikibase, or of the fake Wikimedia, is another item.

import type { Redis } from 'ioredis';
import type { ItemId } from '../model/ids.js';
import type { ItemLabels } from '../model/remote.js';
import { labelKeys } from '../redis-keys.js';

export interface LabelCache {
  /** The cached labels of those of `ids` that are cached. */
  get(ids: readonly ItemId[]): Promise<Map<ItemId, ItemLabels>>;
  put(labels: Iterable<readonly [ItemId, ItemLabels]>): Promise<void>;
}

/** `site`: the Wikibase the labels come from (wikidata.url); the cache holds each site's apart. */
export function redisLabelCache(redis: Redis, prefix: string, ttlSeconds: number, site: string): LabelCache {
  // v2: labels and aliases include `mul` (since 2024 a name the same in every language lives there);
  // entries cached before without it would make mul-only items look unnamed for a week.
  const key = labelKeys(prefix, site);
  return {
    async get(ids) {
      const found = new Map<ItemId, ItemLabels>();
      if (ids.length === 0) return found;
      const values = await redis.mget(...ids.map(key));
      values.forEach((value, index) => {
        if (value !== null) found.set(ids[index] as ItemId, JSON.parse(value) as ItemLabels);
      });
      return found;
    },
    async put(labels) {
      const pipeline = redis.pipeline();
      for (const [id, value] of labels) pipeline.set(key(id), JSON.stringify(value), 'EX', ttlSeconds);
      await pipeline.exec();
    },
  };
}
