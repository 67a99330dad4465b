// Labels and aliases of referenced items ("Sora 2" for Q136505399), cached in Redis with a TTL so
// every worker shares one copy and a label costs a request once a day, not once an entity. Every store
// on a Redis shares them (they are the site's facts, not a store's state), but only for the site they
// were read from: Q42 of another Wikibase, or of the fake Wikimedia, is another item.
//
// A key of its own per item (v2) cost ~250 bytes an item, most of it the key: a million entities
// referring to as many items made the cache the largest thing factsync kept in Redis. So (v3) items are
// fields of LABEL_BUCKETS hashes per generation: a quarter of the TTL, whose keys expire together at
// the generation's start plus the TTL. An item cached in a generation is read until then: never longer
// than the TTL, never less than three quarters of it. Redis before 7.4 cannot expire a field alone.
// Generations are counted in quarters of the TTL: a changed wikidata.labelTtlSeconds starts anew.
// Entries of v2 are still read until they expire (a week at most), so an upgrade asks for no label again.

import type { Redis } from 'ioredis';
import type { ItemId } from '../model/ids.js';
import type { ItemLabels } from '../model/remote.js';
import { bucketOf, LABEL_BUCKETS, labelBucketKeys, labelKeys } from '../redis-keys.js';

export interface LabelCache {
  /** The cached labels of those of `ids` that are cached. */
  get(ids: readonly ItemId[]): Promise<Map<ItemId, ItemLabels>>;
  put(labels: Iterable<readonly [ItemId, ItemLabels]>): Promise<void>;
}

/** Generations a TTL spans: an item lives between 3/4 and 4/4 of the TTL. */
const GENERATIONS = 4;

/** An item's field: its number (Q42 → 42), which a compact hash keeps as an integer. */
const fieldOf = (id: string): string => (/^Q[1-9][0-9]*$/.test(id) ? id.slice(1) : id);

/**
 * An item's labels as stored: `[labels, aliases]` (`[labels, aliases, 1]` when missing), the id being
 * the field's; the whole object when the id is another (a redirect's target). Names of keys left out
 * keep most values in a smaller allocation: a million of them.
 */
function stored(id: ItemId, labels: ItemLabels): string {
  if (labels.id !== id) return JSON.stringify(labels);
  return JSON.stringify([labels.labels, labels.aliases, ...(labels.missing ? [1] : [])]);
}

function read(id: ItemId, value: string): ItemLabels {
  const parsed = JSON.parse(value) as ItemLabels | [ItemLabels['labels'], ItemLabels['aliases'], 1?];
  if (!Array.isArray(parsed)) return parsed;
  const [labels, aliases, missing] = parsed;
  return { id, labels, aliases, ...(missing ? { missing: true } : {}) };
}

/** Ids by the bucket their field falls in. */
function byBucket(ids: readonly ItemId[]): Map<number, ItemId[]> {
  const buckets = new Map<number, ItemId[]>();
  for (const id of ids) {
    const bucket = bucketOf(fieldOf(id), LABEL_BUCKETS);
    const list = buckets.get(bucket);
    if (list) list.push(id);
    else buckets.set(bucket, [id]);
  }
  return buckets;
}

/**
 * `site`: the Wikibase the labels come from (wikidata.url); the cache holds each site's apart. `now`
 * (epoch ms) is for tests.
 */
export function redisLabelCache(
  redis: Redis,
  prefix: string,
  ttlSeconds: number,
  site: string,
  now: () => number = Date.now,
): LabelCache {
  const key = labelBucketKeys(prefix, site);
  const legacyKey = labelKeys(prefix, site);
  const span = Math.max(1, Math.ceil(ttlSeconds / GENERATIONS));
  const seconds = () => Math.floor(now() / 1000);
  /** The generations whose keys may still be there, newest first. */
  const live = (): number[] => {
    const t = seconds();
    const newest = Math.floor(t / span);
    const oldest = Math.floor((t - ttlSeconds) / span) + 1;
    return Array.from({ length: Math.max(0, newest - oldest + 1) }, (_, i) => newest - i);
  };

  /** What v2 cached of `ids` (a key an item), until those keys expire. */
  async function legacy(ids: readonly ItemId[], found: Map<ItemId, ItemLabels>): Promise<void> {
    if (ids.length === 0) return;
    const values = await redis.mget(...ids.map(legacyKey));
    values.forEach((value, index) => {
      if (value !== null) found.set(ids[index] as ItemId, JSON.parse(value) as ItemLabels);
    });
  }

  return {
    async get(ids) {
      const found = new Map<ItemId, ItemLabels>();
      if (ids.length === 0) return found;
      const buckets = [...byBucket(ids)];
      const pipeline = redis.pipeline();
      const asked: ItemId[][] = [];
      for (const generation of live())
        for (const [bucket, inBucket] of buckets) {
          pipeline.hmget(key(generation, bucket), ...inBucket.map(fieldOf));
          asked.push(inBucket);
        }
      const answers = (await pipeline.exec()) ?? [];
      answers.forEach(([error, values], index) => {
        if (error) throw error;
        (values as Array<string | null>).forEach((value, i) => {
          const id = asked[index]?.[i] as ItemId;
          // Newest generation first: an item cached twice is read from its latest copy.
          if (value !== null && !found.has(id)) found.set(id, read(id, value));
        });
      });
      await legacy(
        ids.filter((id) => !found.has(id)),
        found,
      );
      return found;
    },
    async put(labels) {
      // A TTL of 0 caches nothing (a key cannot be set to expire at once).
      if (ttlSeconds <= 0) return;
      const items = new Map(labels);
      if (items.size === 0) return;
      const generation = Math.floor(seconds() / span);
      const expiresAt = generation * span + ttlSeconds;
      const pipeline = redis.pipeline();
      for (const [bucket, ids] of byBucket([...items.keys()])) {
        const name = key(generation, bucket);
        pipeline.hset(
          name,
          Object.fromEntries(ids.map((id) => [fieldOf(id), stored(id, items.get(id) as ItemLabels)])),
        );
        pipeline.expireat(name, expiresAt);
      }
      await pipeline.exec();
    },
  };
}
