// `factsync watch` (src/jobs/watch.ts) and a Wikipedia language the local store starts to use while the
// watcher's connection is open — as on a fresh install, where the watcher starts before the first night
// fills the change index, or when cards in a new language are added. Found by the sync benchmark with
// --stream (bench/sync-stream.ts): its watcher, started before night 1, never watched English
// Wikipedia, so every night still polled that feed whole.
//
// The watcher reads the index's languages again while its connection is open (watch.languagesEveryMs;
// 100 ms here), so a language learnt later is recorded and covered from then on.

import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type FakeWikimedia,
  generatedEntity,
  startFakeWikimedia,
} from '../../dev/fake-wikimedia/src/index.js';
import { ChangeIndex } from '../../src/jobs/change-index.js';
import { startWatch, type Watcher } from '../../src/jobs/watch.js';
import { EventStreamsSource } from '../../src/sources/eventstreams.js';
import { connectRedis, dropPrefix, testPrefix } from '../support/redis.js';
import { sleep, waitFor } from '../support/wait.js';

const COUNT = 5;
const redis = connectRedis();
const prefix = testPrefix('watch-languages');
const changes = new ChangeIndex(redis, prefix);
let fake: FakeWikimedia;
let watcher: Watcher | undefined;

const entity = (i: number) => generatedEntity(fake.seed, i, { count: COUNT });

beforeAll(async () => {
  fake = await startFakeWikimedia({
    entities: COUNT,
    recentChangesPerDay: 0,
    wikipediaChangesPerDay: 0,
    fixturesDir: null,
  });
});

afterAll(async () => {
  await watcher?.stop();
  await fake?.close();
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

it('records and covers a Wikipedia language the index learns after the watcher connected', async () => {
  const index = [0, 1, 2, 3, 4].find((i) => entity(i).sitelinks?.enwiki) as number;
  const qid = entity(index).id;
  const title = entity(index).sitelinks?.enwiki?.title as string;
  // The local store before its first night: Wikidata items only, no language in use yet.
  await changes.remember([qid], []);
  const started = startWatch({
    redis,
    prefix,
    changes,
    source: new EventStreamsSource(fake.streamUrl, 'factsync-test/1.0 (test@example.org)', 5_000),
    log: pino({ level: 'silent' }),
    settings: {
      leaseMs: 1_000,
      retentionMs: 7 * 86_400_000,
      backoffBaseMs: 10,
      backoffMaxMs: 50,
      languagesEveryMs: 100,
    },
  });
  watcher = started;
  await waitFor('the connection', () => started.stats.connections > 0 && started.stats.holding);
  // The first night finds the item's English article: English Wikipedia is now in use.
  await changes.remember([qid], [{ lang: 'en', title }]);
  // The next event after the interval has the watcher read the languages again.
  await sleep(200);
  const first = fake.store.bumpRevision(qid);
  await waitFor(
    'the first Wikidata edit',
    async () => (await changes.hits([qid], [])).items.get(qid) === first,
  );
  const page = fake.store.editPage('en', title);
  // An edit after it on Wikidata: once its hit is recorded, the page's event has been read too.
  const revid = fake.store.bumpRevision(qid);
  await waitFor('the Wikidata edit', async () => (await changes.hits([qid], [])).items.get(qid) === revid);
  const hits = await changes.hits([], [`en:${title}`]);
  expect(hits.pages.get(`en:${title}`)).toBe(page.lastrevid);
  expect(Object.keys(await changes.streamCoverage())).toContain('en');
});
