// The hand-over from `factsync watch` to the polled feed, through the real planner: after a first
// night (a sweep, which marks where the feeds start), a watcher covers the stream while the fake's
// world moves on six hours (12,500 background edits on Wikidata) and an entity is edited. The next
// night's plan reads the polled list=recentchanges only for what the stream did not cover (the few
// minutes before the watcher started, and the last minute), not the six hours: a handful of requests
// instead of ~25, and the edited entity is fetched all the same (its hit came from the stream). The
// plan's feed estimate counts those same spans.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type FakeWikimedia,
  generatedRecord,
  startFakeWikimedia,
} from '../../dev/fake-wikimedia/src/index.js';
import { syncNow } from '../../src/jobs/sync.js';
import { startWatch, type Watcher } from '../../src/jobs/watch.js';
import { EventStreamsSource } from '../../src/sources/eventstreams.js';
import { fakeSettings } from '../support/config.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { waitFor } from '../support/wait.js';

const SEED = 11;
const COUNT = 20;
const dir = mkdtempSync(path.join(tmpdir(), 'factsync-watch-handover-'));
const jsonl = path.join(dir, 'records.jsonl');
const records = Array.from({ length: COUNT }, (_, i) => generatedRecord(SEED, i, { count: COUNT }));
let fake: FakeWikimedia;
let made: TestInstall;
let watcher: Watcher | undefined;

beforeAll(async () => {
  fake = await startFakeWikimedia({
    seed: SEED,
    entities: COUNT,
    recentChangesPerDay: 50_000,
    wikipediaChangesPerDay: 0,
  });
  writeFileSync(jsonl, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  made = await testInstall('watch-handover', {
    sharedFake: fake,
    entities: COUNT,
    local: jsonl,
    base: 'paths',
    settings: { ...fakeSettings(fake), 'sync.strategy': 'feed', 'review.coolingOffHours': 0 },
  });
});

afterAll(async () => {
  await watcher?.stop();
  await made?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('polls only what the stream did not cover, and still fetches what the stream saw change', async () => {
  const { runtime } = made;
  const first = await syncNow(runtime, { trigger: 'nightly' });
  expect(first.run.plan).toMatchObject({ strategy: 'sweep' });

  watcher = startWatch({
    redis: runtime.redis,
    prefix: runtime.settings.prefix,
    changes: runtime.changes,
    source: new EventStreamsSource(fake.streamUrl, 'factsync-test/1.0 (test@example.org)', 5_000),
    log: runtime.log,
    settings: { leaseMs: 5_000, retentionMs: 7 * 86_400_000, backoffBaseMs: 10, backoffMaxMs: 100 },
  });
  await waitFor('the watcher connected', () => watcher?.stats.connections === 1);
  const now = fake.advanceClock(6 * 3_600_000);
  const record = records[3] as (typeof records)[number];
  const revid = fake.store.bumpRevision(record.qid as string);
  await waitFor(
    'the stream read up to now',
    async () => {
      const covered = (await runtime.changes.streamCoverage()).wikidata;
      return covered !== undefined && covered.to >= now - 1_000 && (watcher?.stats.hits ?? 0) >= 1;
    },
    // A wait, not a speed check: ~12,500 events take seconds alone and longer on a loaded machine.
    { timeoutMs: 90_000 },
  );
  expect(watcher.stats.events).toBeGreaterThan(12_000);

  fake.resetStats();
  const second = await syncNow(runtime, { trigger: 'nightly' });
  expect(second.run.plan).toMatchObject({ strategy: 'feed' });
  // The estimate counts the same spans (at the default 600,000 rows a day: about ten requests), not
  // the six hours since the cursor as if the stream had covered nothing (~300).
  expect(second.run.plan?.estimates.feed).toBeLessThan(20);
  // Polled: the heads (one request a wiki), the minutes before the watcher started, the last minute.
  const polled = fake.stats().byEndpoint.recentchanges.requests;
  expect(polled).toBeLessThanOrEqual(5);
  expect(second.run.plan?.feeds?.wikidata?.rows ?? 0).toBeLessThan(1_000);
  const state = (await runtime.state.get([record.key])).get(record.key);
  expect(state?.itemRev).toBe(revid);
}, 150_000);
