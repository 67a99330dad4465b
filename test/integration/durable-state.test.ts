// Durable sync state (issue 18, part 2): a store's sync state and the feeds' positions live in the
// proposal store, so a Redis that loses everything (a flush, a restart without persistence) costs the
// next night nothing a night without the flush would not. Generated entities in the fake Wikimedia and a
// JSONL store, through BullMQ on the real Redis, into SQLite and into PostgreSQL (a schema of its own):
// a first night, an unchanged night, every key under the install's prefix dropped (the shared Redis's
// FLUSHALL, without touching other tests' keys), then a night that reads the feeds as the unchanged one
// did — the same requests, endpoint by endpoint, nothing fetched, the same proposals — and, after one
// more flush, one with an upstream edit that it still finds (the change index was rebuilt); a flush
// between a planner reading the feeds and the batches, whose hit the next run reads again (the feeds
// rewound to their safe positions); and an upgrade from a factsync that kept all of it in Redis, which
// moves it into the store and costs an unchanged night.

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeWikimedia } from '../../dev/fake-wikimedia/src/index.js';
import { planRun } from '../../src/jobs/planner.js';
import { openRuntime, type Runtime } from '../../src/jobs/runtime.js';
import { adoptRedisState } from '../../src/jobs/state-store.js';
import { syncNow } from '../../src/jobs/sync.js';
import { createLogger } from '../../src/log.js';
import type { RunRecord } from '../../src/model/run.js';
import { storeKeys } from '../../src/redis-keys.js';
import type { EntityState } from '../../src/sync/state.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { connectRedis, dropPrefix } from '../support/redis.js';

const COUNT = 40;
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `factsync_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const redis = connectRedis();

afterAll(async () => {
  redis.disconnect();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

/** Requests by endpoint, as the run record counts them. */
const requestsOf = (run: RunRecord) =>
  Object.fromEntries(Object.entries(run.requests).map(([endpoint, tally]) => [endpoint, tally.requests]));

async function proposalsOf(runtime: Runtime): Promise<string[]> {
  const out: string[] = [];
  for await (const p of runtime.store.stream({}))
    out.push(`${p.id}|${p.status}|${p.firstRun}|${JSON.stringify(p.remote)}`);
  return out.sort();
}

const stores = {
  sqlite: {},
  postgres: {
    'store.kind': 'postgres',
    'store.url': `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
  },
} as const;

describe.each(Object.entries(stores))('a night after Redis lost everything, store %s', (name, store) => {
  let made: TestInstall;
  let fake: FakeWikimedia;
  let unchanged: RunRecord;
  let unchangedFake: Record<string, number>;
  let proposals: string[];

  beforeAll(async () => {
    if (name === 'postgres') {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.end();
    }
    made = await testInstall(`durable-${name}`, {
      entities: COUNT,
      fake: { recentChangesPerDay: 50_000, wikipediaChangesPerDay: 20_000 },
      settings: {
        'http.concurrency': 4,
        'worker.lockDurationMs': 5000,
        'review.coolingOffHours': 0,
        'sync.strategy': 'feed',
        'sync.feedBatchSize': 5,
        ...store,
      },
    });
    fake = made.fake;
  });

  afterAll(async () => {
    await made?.close();
  });

  it('a first night fetches everything; an unchanged night reads the feeds only', async () => {
    expect(made.config.store.kind).toBe(name);
    const first = await syncNow(made.runtime, { trigger: 'nightly' });
    expect(first.run.counts).toMatchObject({ seen: COUNT, fetched: COUNT, failed: 0 });
    fake.resetStats();
    ({ run: unchanged } = await syncNow(made.runtime, { trigger: 'nightly' }));
    unchangedFake = Object.fromEntries(
      Object.entries(fake.stats().byEndpoint).map(([endpoint, tally]) => [endpoint, tally.requests]),
    );
    expect(unchanged.plan?.strategy).toBe('feed');
    expect(unchanged.counts).toMatchObject({ seen: COUNT, fetched: 0, failed: 0 });
    proposals = await proposalsOf(made.runtime);
    expect(proposals.length).toBeGreaterThan(0);
  });

  it('after every key under the prefix is dropped, the next night costs what the unchanged one did', async () => {
    expect(await dropPrefix(redis, made.prefix)).toBeGreaterThan(0);
    fake.resetStats();
    const { run } = await syncNow(made.runtime, { trigger: 'nightly' });
    expect(run.plan?.strategy).toBe('feed');
    expect(run.counts).toMatchObject({ seen: COUNT, fetched: 0, failed: 0 });
    expect(requestsOf(run)).toEqual(requestsOf(unchanged));
    expect(
      Object.fromEntries(
        Object.entries(fake.stats().byEndpoint).map(([endpoint, tally]) => [endpoint, tally.requests]),
      ),
    ).toEqual(unchangedFake);
    // Nothing new, nothing settled: the proposals are those of the unchanged night.
    expect(await proposalsOf(made.runtime)).toEqual(proposals);
  });

  it('after another flush, an edit upstream is still found: the change index was rebuilt', async () => {
    const edited = made.records[3];
    if (!edited) throw new Error('no generated record');
    fake.store.bumpRevision(edited.qid);
    await dropPrefix(redis, made.prefix);
    const before = new Date().toISOString();
    const { run } = await syncNow(made.runtime, { trigger: 'nightly' });
    expect(run.plan?.strategy).toBe('feed');
    expect(run.counts).toMatchObject({ seen: COUNT, fetched: 1, failed: 0 });
    const state = await made.runtime.state.get([edited.key]);
    expect((state.get(edited.key)?.checkedAt ?? '') > before).toBe(true);
  });

  it('a flush between a run reading the feeds and its batches loses no hit: the next run reads them again', async () => {
    const edited = made.records[7];
    if (!edited) throw new Error('no generated record');
    fake.store.bumpRevision(edited.qid);
    // The planner of a run reads the feeds (the hit is recorded, the cursors move on); then Redis is
    // emptied before any batch of that run compares the entity.
    const { runtime } = made;
    const spec = { runId: `cut-short-${name}`, store: runtime.scope.store, trigger: 'nightly' as const };
    const planned = await planRun(runtime, runtime.sources, spec);
    expect(planned.record.feeds?.wikidata?.hits).toBeGreaterThan(0);
    expect(await runtime.redis.hexists(storeKeys(made.prefix).changes.itemHits, edited.qid)).toBe(1);
    await dropPrefix(redis, made.prefix);
    const before = new Date().toISOString();
    const { run } = await syncNow(runtime, { trigger: 'nightly' });
    expect(run.plan?.strategy).toBe('feed');
    expect(run.counts).toMatchObject({ seen: COUNT, fetched: 1, failed: 0 });
    expect(((await runtime.state.get([edited.key])).get(edited.key)?.checkedAt ?? '') > before).toBe(true);
  });

  it('an upgrade from a factsync that kept its sync state in Redis costs an unchanged night', async () => {
    const { runtime } = made;
    const keys = storeKeys(made.prefix);
    // What an older factsync would have left in Redis: the states, the feeds' cursors, the estimates.
    const states = await runtime.state.get(made.records.map((record) => record.key));
    const meta = await runtime.changes.meta();
    await redis
      .multi()
      .hset(keys.state, Object.fromEntries([...states].map(([key, state]) => [key, JSON.stringify(state)])))
      .hset(keys.changes.cursors, await runtime.changes.cursors())
      .hset(keys.changes.meta, {
        entities: meta.entities ?? 0,
        pages: meta.pages ?? 0,
        rowsPerDay: JSON.stringify(meta.rowsPerDay),
      })
      .set(keys.changes.runs, 7)
      .exec();
    await runtime.store.clearSyncState();
    const upgraded = await openRuntime(made.config, createLogger('silent'));
    try {
      expect(await upgraded.state.get([...states.keys()])).toEqual(states);
      expect(await redis.exists(keys.state, keys.changes.cursors, keys.changes.meta)).toBe(0);
      fake.resetStats();
      const { run } = await syncNow(upgraded, { trigger: 'nightly' });
      expect(run.plan?.strategy).toBe('feed');
      expect(run.counts).toMatchObject({ seen: COUNT, fetched: 0, failed: 0 });
      expect(run.requests.wbgetentities).toBeUndefined();
    } finally {
      await upgraded.close();
    }
  });

  it('moves the sync state an older factsync kept in Redis under the prefix into the store, once', async () => {
    const { runtime } = made;
    const kept: EntityState = { qid: 'Q1', recordHash: 'older', checkedAt: '2026-01-01T00:00:00.000Z' };
    const newer: EntityState = { qid: 'Q2', recordHash: 'newer', checkedAt: '2026-02-01T00:00:00.000Z' };
    await runtime.state.set(new Map([['upgrade-known', newer]]));
    await redis.hset(storeKeys(made.prefix).state, {
      'upgrade-only-redis': JSON.stringify(kept),
      'upgrade-known': JSON.stringify(kept),
    });
    expect(await adoptRedisState(runtime.redis, made.prefix, runtime.store)).toBe(1);
    expect(await redis.exists(storeKeys(made.prefix).state)).toBe(0);
    expect(await runtime.state.get(['upgrade-only-redis', 'upgrade-known'])).toEqual(
      new Map([
        ['upgrade-only-redis', kept],
        ['upgrade-known', newer],
      ]),
    );
  });
});
