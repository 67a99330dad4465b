// `factsync watch` (src/jobs/watch.ts) against the fake's EventStreams stream on loopback and a real
// Redis: the stream's changes land in the change index as the polled feed's rows do (edit → its
// revision, merge → both items' revisions, deletion → 0, a Wikipedia page's edit); a connection the
// stream breaks every two events resumes from the saved Last-Event-ID with no event lost or read
// twice; a refusing stream is retried; a second watcher waits on the lease and takes over.

import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeWikimedia,
  generatedEntity,
  startFakeWikimedia,
} from '../../dev/fake-wikimedia/src/index.js';
import { ChangeIndex } from '../../src/jobs/change-index.js';
import { startWatch, type Watcher, type WatchSettings } from '../../src/jobs/watch.js';
import { watchKeys } from '../../src/redis-keys.js';
import { EventStreamsSource } from '../../src/sources/eventstreams.js';
import { connectRedis, dropPrefix, testPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

const COUNT = 10;
const SETTINGS: WatchSettings = {
  leaseMs: 1_000,
  retentionMs: 7 * 86_400_000,
  backoffBaseMs: 10,
  backoffMaxMs: 50,
};
const redis = connectRedis();
const prefix = testPrefix('watch');
const changes = new ChangeIndex(redis, prefix);
const log = pino({ level: 'silent' });
let fake: FakeWikimedia;
const watchers: Watcher[] = [];

const entity = (i: number) => generatedEntity(fake.seed, i, { count: COUNT });
const qid = (i: number) => entity(i).id;
const enTitle = (i: number) => entity(i).sitelinks?.enwiki?.title as string;

function watcher(): Watcher {
  const made = startWatch({
    redis,
    prefix,
    changes,
    source: new EventStreamsSource(fake.streamUrl, 'factsync-test/1.0 (test@example.org)', 5_000),
    log,
    settings: SETTINGS,
  });
  watchers.push(made);
  return made;
}

beforeAll(async () => {
  fake = await startFakeWikimedia({
    entities: COUNT,
    recentChangesPerDay: 0,
    wikipediaChangesPerDay: 0,
    fixturesDir: null,
  });
  // The local store: items 0–8 (not 9) and item 4's English article.
  await changes.remember(
    Array.from({ length: COUNT - 1 }, (_, i) => qid(i)),
    [{ lang: 'en', title: enTitle(4) }],
  );
});

afterAll(async () => {
  await Promise.all(watchers.map((w) => w.stop()));
  await fake?.close();
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

describe('factsync watch', () => {
  let first: Watcher;
  let second: Watcher;

  it('records the stream’s edits, merges, deletions and page edits in the change index', async () => {
    first = watcher();
    await waitFor('the first connection', () => first.stats.connections > 0 && first.stats.holding);
    const edited = fake.store.bumpRevision(qid(0));
    const merged = fake.store.mergeItem(qid(1), qid(2));
    fake.store.deleteItem(qid(3));
    const page = fake.store.editPage('en', enTitle(4));
    fake.store.bumpRevision(qid(9)); // not in the local store: no hit
    await waitFor('six changes read', () => first.stats.changes >= 6);
    const hits = await changes.hits([0, 1, 2, 3, 9].map(qid), [`en:${enTitle(4)}`]);
    expect(Object.fromEntries(hits.items)).toEqual({
      [qid(0)]: edited,
      // The merged item became a redirect: its new revision (the feed's row too).
      [qid(1)]: expect.any(Number),
      [qid(2)]: merged,
      [qid(3)]: 0,
    });
    expect((hits.items.get(qid(1)) ?? 0) > 0).toBe(true);
    expect(Object.fromEntries(hits.pages)).toEqual({ [`en:${enTitle(4)}`]: page.lastrevid });
    // Six changes to Wikidata and English Wikipedia; five of them touch the local store.
    expect(first.stats).toMatchObject({ holding: true, changes: 6, hits: 5, invalid: 0 });
    const position = JSON.parse((await redis.get(watchKeys(prefix).position)) as string);
    expect(JSON.parse(position.id)[0]).toMatchObject({ topic: 'eqiad.mediawiki.recentchange' });
  });

  it('resumes a connection the stream breaks every two events, losing and repeating none', async () => {
    const before = { ...first.stats };
    fake.setFaults('streamDrop=2');
    const revisions = [5, 6, 7, 8, 5].map((i) => fake.store.bumpRevision(qid(i)));
    await waitFor('five more changes read', () => first.stats.changes >= before.changes + 5);
    await new Promise((resolve) => setTimeout(resolve, 300)); // any event read twice would show by now
    expect(first.stats.changes - before.changes).toBe(5);
    expect(first.stats.events - before.events).toBe(5);
    expect(first.stats.connections - before.connections).toBeGreaterThanOrEqual(3);
    const hits = await changes.hits([5, 6, 7, 8].map(qid), []);
    expect([5, 6, 7, 8].map((i) => hits.items.get(qid(i)))).toEqual([revisions[4], ...revisions.slice(1, 4)]);
    fake.setFaults({});
  });

  it('keeps trying a stream that refuses (HTTP 503), and reads on once it answers', async () => {
    // The open connection breaks at its next event; every new one is refused.
    fake.setFaults({ streamErrorRate: 1, streamDropAfter: 1 });
    const before = first.stats.connections;
    const seen = fake.store.bumpRevision(qid(8));
    await waitFor('three refused connections', () => first.stats.connections >= before + 3);
    const revid = fake.store.bumpRevision(qid(6)); // made while the stream refuses
    fake.setFaults({});
    await waitFor(
      'the edit made while refused',
      async () => (await changes.hits([qid(6)], [])).items.get(qid(6)) === revid,
    );
    expect((await changes.hits([qid(8)], [])).items.get(qid(8))).toBe(seen);
  });

  it('runs one watcher at a time: a second waits on the lease and takes over where the first stopped', async () => {
    second = watcher();
    await new Promise((resolve) => setTimeout(resolve, SETTINGS.leaseMs));
    expect(second.stats).toMatchObject({ holding: false, connections: 0 });
    await first.stop();
    const revid = fake.store.bumpRevision(qid(7)); // made while no one reads: the second resumes before it
    await waitFor('the second watcher', () => second.stats.holding && second.stats.changes >= 1, {
      timeoutMs: 5_000,
    });
    expect((await changes.hits([qid(7)], [])).items.get(qid(7))).toBe(revid);
    expect(second.stats.changes).toBe(1);
  });

  it('starts again from now, and says the stream covered nothing before, when its place is past retention', async () => {
    await second.stop();
    const keys = watchKeys(prefix);
    const old = Date.now() - 8 * 86_400_000;
    const staleId = JSON.stringify([{ topic: 'eqiad.mediawiki.recentchange', partition: 0, timestamp: old }]);
    await redis.set(keys.position, JSON.stringify({ id: staleId, at: old }));
    await redis.hset(keys.covered, 'wikidata', `${old - 3_600_000}|${old}`);
    const startedAt = Date.now();
    const third = watcher();
    await waitFor('the third watcher', () => third.stats.connections > 0);
    const revid = fake.store.bumpRevision(qid(8));
    await waitFor('its first change', () => third.stats.changes >= 1);
    expect((await changes.hits([qid(8)], [])).items.get(qid(8))).toBe(revid);
    const covered = (await changes.streamCoverage()).wikidata;
    // A fresh span: the polled feed reads everything before it (pollSpans).
    expect(covered?.from).toBeGreaterThanOrEqual(startedAt);
  });
});
