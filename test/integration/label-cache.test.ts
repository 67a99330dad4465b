// The label cache (sources/label-cache.ts) keeps referenced items' labels in a few hashes per slice of
// its TTL, not a key per item (a million items cost ~250 MB that way): an item is read back as it was
// put, a redirect under the id asked for, for no longer than the TTL; and labels an older version cached
// (a key per item, v2) are still read, so an upgrade asks for none again. The clock is the test's.

import { afterAll, describe, expect, it } from 'vitest';
import type { ItemId } from '../../src/model/ids.js';
import type { ItemLabels } from '../../src/model/remote.js';
import { LABEL_BUCKETS, labelKeys } from '../../src/redis-keys.js';
import { redisLabelCache } from '../../src/sources/label-cache.js';
import { keysMatching, redisForFile } from '../support/redis.js';

const { redis, newPrefix } = redisForFile(afterAll);
const SITE = 'https://www.wikidata.org';
const TTL_S = 1_000;

/** Invented labels of `count` items. */
const items = (count: number): Array<[ItemId, ItemLabels]> =>
  Array.from({ length: count }, (_, i) => {
    const id = `Q${100 + i}` as ItemId;
    const aliases: Record<string, string[]> = i % 2 ? { en: [`I${i}`, `Thing ${i}`] } : {};
    return [id, { id, labels: { en: `Item ${i}` }, aliases }];
  });

describe('the label cache', () => {
  it('reads back what it was given, from a few hashes rather than a key an item', async () => {
    const prefix = newPrefix('labels');
    const start = Date.now();
    const cache = redisLabelCache(redis, prefix, TTL_S, SITE, () => start);
    const given = items(3_000);
    const redirected: ItemLabels = { id: 'Q5' as ItemId, labels: { en: 'human' }, aliases: {} };
    const missing: ItemLabels = { id: 'Q9' as ItemId, labels: {}, aliases: {}, missing: true };
    await cache.put([...given, ['Q7' as ItemId, redirected], ['Q9' as ItemId, missing]]);

    const ids = [...given.map(([id]) => id), 'Q7', 'Q9', 'Q8'] as ItemId[];
    const found = await cache.get(ids);
    expect(found.size).toBe(given.length + 2);
    for (const [id, labels] of given) expect(found.get(id)).toEqual(labels);
    expect(found.get('Q7' as ItemId)).toEqual(redirected);
    expect(found.get('Q9' as ItemId)).toEqual(missing);

    const keys = await keysMatching(redis, `${prefix}:labels:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.length).toBeLessThanOrEqual(LABEL_BUCKETS);
    for (const key of keys) expect(await redis.type(key)).toBe('hash');
  });

  it('reads an item for no longer than the TTL, and for at least three quarters of it', async () => {
    const prefix = newPrefix('labels-ttl');
    const start = Date.now();
    let offsetMs = 0;
    const cache = redisLabelCache(redis, prefix, TTL_S, SITE, () => start + offsetMs);
    await cache.put(items(10));
    const ids = items(10).map(([id]) => id);

    offsetMs = (TTL_S * 3_000) / 4 - 1_000;
    expect((await cache.get(ids)).size).toBe(10);
    // Redis drops the keys by then (EXPIREAT no later than the put plus the TTL).
    for (const key of await keysMatching(redis, `${prefix}:labels:*`))
      expect(Number(await redis.call('EXPIRETIME', key))).toBeLessThanOrEqual(
        Math.floor(start / 1000) + TTL_S,
      );
    offsetMs = TTL_S * 1_000 + 1_000;
    expect((await cache.get(ids)).size).toBe(0);
  });

  it('reads the key an item that an older version cached', async () => {
    const prefix = newPrefix('labels-v2');
    const [id, labels] = items(1)[0] as [ItemId, ItemLabels];
    await redis.set(labelKeys(prefix, SITE)(id), JSON.stringify(labels), 'EX', 60);
    const cache = redisLabelCache(redis, prefix, TTL_S, SITE);
    expect(await cache.get([id, 'Q1' as ItemId])).toEqual(new Map([[id, labels]]));
  });

  it('caches nothing with a TTL of 0', async () => {
    const prefix = newPrefix('labels-zero');
    const cache = redisLabelCache(redis, prefix, 0, SITE);
    await cache.put(items(3));
    expect((await cache.get(items(3).map(([id]) => id))).size).toBe(0);
  });
});
