// The change index keeps the local store's QIDs and pages in small hashes (jobs/index-buckets.ts), each
// in Redis's compact encoding: a million entities in two SETs took ~110 bytes an entity. A feed row is a
// hit on a member however long its title, a moved page under either name; an install whose Redis holds
// the SETs an older version wrote finds its members all the same, and the SETs are gone after.

import { afterAll, describe, expect, it } from 'vitest';
import { ChangeIndex } from '../../src/jobs/change-index.js';
import { storeKeys } from '../../src/redis-keys.js';
import type { FeedRow } from '../../src/sources/feed.js';
import { keysMatching, redisForFile } from '../support/redis.js';

const { redis, newPrefix } = redisForFile(afterAll);

/** A feed row (invented): an edit of `title` at revision `revid`, or its move to `targetTitle`. */
const row = (title: string, revid: number, targetTitle?: string): FeedRow => ({
  type: targetTitle ? 'log' : 'edit',
  title,
  revid,
  timestamp: '2026-12-01T00:00:00Z',
  rcid: revid,
  ...(targetTitle ? { logtype: 'move', targetTitle } : {}),
});

const QIDS = Array.from({ length: 3_000 }, (_, i) => `Q${1_000 + i * 7}`);
const TITLES = Array.from({ length: 3_000 }, (_, i) => `Page number ${i}`);
/** 80 bytes in UTF-8: longer than a compact hash's longest field (hash-max-listpack-value, 64). */
const LONG_TITLE = 'Ü'.repeat(40);

async function encodings(prefix: string): Promise<Record<string, number>> {
  const keys = (await keysMatching(redis, `${prefix}:index:*`)).filter(
    (key) => key !== storeKeys(prefix).changes.langs,
  );
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.object('ENCODING', key);
  const counts: Record<string, number> = {};
  for (const [, encoding] of (await pipeline.exec()) ?? [])
    counts[String(encoding)] = (counts[String(encoding)] ?? 0) + 1;
  return counts;
}

describe('the change index in Redis', () => {
  it('keeps thousands of QIDs and pages in compact hashes, and finds each of them', async () => {
    const prefix = newPrefix('index-buckets');
    const changes = new ChangeIndex(redis, prefix);
    await changes.remember(QIDS, [
      ...TITLES.map((title) => ({ lang: 'en', title })),
      { lang: 'de', title: LONG_TITLE },
    ]);

    const found = await encodings(prefix);
    expect(Object.keys(found)).toEqual(['listpack']);
    expect(await redis.exists(storeKeys(prefix).changes.qids, storeKeys(prefix).changes.pages)).toBe(0);

    expect(
      await changes.recordHits('wikidata', [row('Q1000', 11), row('Q1001', 12), row('Q21993', 13)]),
    ).toBe(2);
    expect(
      await changes.recordHits('en', [
        row('Page number 7', 21),
        row('Page number 3000', 22),
        row('Moved', 23, 'Page number 8'),
      ]),
    ).toBe(2);
    expect(await changes.recordHits('de', [row(LONG_TITLE, 31), row('Ü'.repeat(41), 32)])).toBe(1);
    // A page of one wiki is not another's, and a QID is not a page of that name.
    expect(await changes.recordHits('fr', [row('Page number 7', 41)])).toBe(0);
    expect(await changes.recordHits('en', [row('Q1000', 42)])).toBe(0);

    const hits = await changes.hits(
      ['Q1000', 'Q21993', 'Q1001'],
      ['en:Page number 7', 'en:Page number 8', `de:${LONG_TITLE}`],
    );
    expect(Object.fromEntries(hits.items)).toEqual({ Q1000: 11, Q21993: 13 });
    expect(Object.fromEntries(hits.pages)).toEqual({
      'en:Page number 7': 21,
      'en:Page number 8': 23,
      [`de:${LONG_TITLE}`]: 31,
    });
    expect(await changes.languages()).toEqual(['de', 'en']);

    await changes.clear();
    expect(await keysMatching(redis, `${prefix}:index:*`)).toEqual([]);
  });

  it('adopts the SETs an older version kept: their members are found, the SETs deleted', async () => {
    const prefix = newPrefix('index-adopt');
    const keys = storeKeys(prefix).changes;
    // What versions before the buckets wrote (change-index.ts's remember then).
    await redis.sadd(keys.qids, ...QIDS);
    await redis.sadd(keys.pages, ...TITLES.map((title) => `en:${title}`), `de:${LONG_TITLE}`);
    await redis.sadd(keys.langs, 'de', 'en');

    const changes = new ChangeIndex(redis, prefix);
    expect(await changes.recordHits('wikidata', [row('Q1007', 51), row('Q1008', 52)])).toBe(1);
    expect(await changes.recordHits('en', [row('Page number 2999', 53)])).toBe(1);
    expect(await changes.recordHits('de', [row(LONG_TITLE, 54)])).toBe(1);
    expect(await redis.exists(keys.qids, keys.pages)).toBe(0);
    expect(Object.keys(await encodings(prefix))).toEqual(['listpack']);
    expect(await changes.languages()).toEqual(['de', 'en']);

    // Another process of the new version finds them too, with nothing left to adopt.
    const other = new ChangeIndex(redis, prefix);
    expect(await other.recordHits('wikidata', [row('Q21993', 55)])).toBe(1);
  });
});
