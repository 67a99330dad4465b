// The run's key claims (src/jobs/key-claims.ts) on a real Redis: first come, first served in read
// order, within a chunk and across chunks, each later record told where the first one is; the claims
// hash lives as long as a run. One script a chunk claims what one HSETNX a record did.

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimKeys } from '../../src/jobs/key-claims.js';
import type { LocalRecord } from '../../src/model/record.js';
import { TTL } from '../../src/redis-keys.js';
import { connectRedis, dropPrefix, testPrefix } from '../support/redis.js';

const PREFIX = testPrefix('key-claims');
const STORE = { path: '/data' };
let redis: Redis;

const line = (key: string, n: number): LocalRecord => ({
  key,
  qid: 'Q42',
  facts: {},
  conflicts: [],
  file: '/data/kb.jsonl',
  line: n,
});

beforeAll(() => {
  redis = connectRedis();
});

afterAll(async () => {
  await dropPrefix(redis, PREFIX);
  redis.disconnect();
});

describe('claimKeys', () => {
  it('gives each key to its first record, in order, within a chunk and across chunks', async () => {
    const hash = `${PREFIX}:run:r1:keys`;
    const first = await claimKeys(redis, hash, STORE, [line('a', 1), line('b', 2), line('a', 3)]);
    expect(first).toEqual([undefined, undefined, 'kb.jsonl:1']);
    const second = await claimKeys(redis, hash, STORE, [line('b', 4), line('c', 5), line('c', 6)]);
    expect(second).toEqual(['kb.jsonl:2', undefined, 'kb.jsonl:5']);
    // The same records claimed again (a plan job run again) own their keys as before.
    expect(await claimKeys(redis, hash, STORE, [line('a', 1), line('a', 3)])).toEqual([
      undefined,
      'kb.jsonl:1',
    ]);
    expect(await redis.hgetall(hash)).toEqual({ a: 'kb.jsonl:1', b: 'kb.jsonl:2', c: 'kb.jsonl:5' });
    const ttl = await redis.ttl(hash);
    expect(ttl).toBeGreaterThan(TTL.run - 60);
    expect(ttl).toBeLessThanOrEqual(TTL.run);
  });

  it('names a card by its path in the store, and claims a feed batch of records at once', async () => {
    const hash = `${PREFIX}:run:r2:keys`;
    const card: LocalRecord = { ...line('gen-6', 1), file: '/data/gen-6.md' };
    delete (card as { line?: number }).line;
    expect(await claimKeys(redis, hash, STORE, [card])).toEqual([undefined]);
    const many = Array.from({ length: 6_000 }, (_, i) => line(`k${i % 5_000}`, i + 1));
    const owners = await claimKeys(redis, hash, STORE, [...many, { ...card, file: '/data/x/gen-6.md' }]);
    expect(owners.slice(0, 5_000).every((owner) => owner === undefined)).toBe(true);
    expect(owners.slice(5_000, 6_000)).toEqual(many.slice(0, 1_000).map((r) => `kb.jsonl:${r.line}`));
    expect(owners.at(-1)).toBe('gen-6.md');
    expect(await claimKeys(redis, hash, STORE, [])).toEqual([]);
  });
});
