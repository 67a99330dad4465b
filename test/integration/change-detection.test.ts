// Change detection end to end: generated entities in the fake Wikimedia and a JSONL store, two
// installations side by side over the same fake — one made to use the change feed, one the revision
// sweep — through BullMQ on a real Redis. After edits, a merge, a deletion, a page move, a relinked
// page, a page edit and a local edit, both fetch exactly the changed entities and end with the same
// proposals. Then: the fallback to a sweep past the feed's horizon and when the feed breaks, the
// rolling verification over `verifyDays` nights, and a run that runs out of budget.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeWikimedia,
  generatedRecord,
  startFakeWikimedia,
} from '../../dev/fake-wikimedia/src/index.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { syncNow } from '../../src/jobs/sync.js';
import { ChangeFeedSource } from '../../src/sources/feed.js';
import type { RequestHooks } from '../../src/sources/http.js';
import type { EntityState } from '../../src/sync/state.js';
import { fakeSettings } from '../support/config.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.js';

const SEED = 7;
const COUNT = 40;
const dir = mkdtempSync(path.join(tmpdir(), 'factsync-change-detection-'));
const jsonl = path.join(dir, 'records.jsonl');
const records = Array.from({ length: COUNT }, (_, i) => generatedRecord(SEED, i, { count: COUNT }));
const keys = records.map((r) => r.key);
const installs: TestInstall[] = [];
let fake: FakeWikimedia;

/** An install over the shared fake and JSONL store, the project defaults otherwise. */
async function install(name: string, settings: Record<string, unknown>): Promise<Runtime> {
  const made = await testInstall(`change-${name}`, {
    sharedFake: fake,
    entities: COUNT,
    local: jsonl,
    base: 'paths',
    settings: {
      ...fakeSettings(fake),
      'http.concurrency': 4,
      'http.retries': 1,
      'worker.lockDurationMs': 5000,
      // Edits made in the fake are seconds old; the cooling-off has its own test (cooling-off.test.ts).
      'review.coolingOffHours': 0,
      ...settings,
    },
  });
  installs.push(made);
  return made.runtime;
}

async function states(runtime: Runtime): Promise<Map<string, EntityState>> {
  return runtime.state.get(keys);
}

/** Keys whose state moved past `since` in the given field. */
function touchedSince(
  after: Map<string, EntityState>,
  since: string,
  field: 'checkedAt' | 'verifiedAt',
): string[] {
  return keys.filter((key) => (after.get(key)?.[field] ?? '') > since).sort();
}

async function proposalsOf(runtime: Runtime): Promise<string[]> {
  const out: string[] = [];
  for await (const p of runtime.store.stream({}))
    out.push(`${p.entity}|${p.field}|${p.kind}|${p.status}|${JSON.stringify(p.remote)}`);
  return out.sort();
}

let feedInstall: Runtime;
let sweepInstall: Runtime;

beforeAll(async () => {
  fake = await startFakeWikimedia({
    seed: SEED,
    entities: COUNT,
    recentChangesPerDay: 50_000,
    wikipediaChangesPerDay: 20_000,
  });
  writeFileSync(jsonl, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  // Feed runs scan 5 records a batch here, so that the verification's slices (whole batches) split 40.
  feedInstall = await install('feed', {
    'sync.strategy': 'feed',
    'sync.verifyDays': 3,
    'sync.feedBatchSize': 5,
  });
  sweepInstall = await install('sweep', { 'sync.strategy': 'sweep' });
});

afterAll(async () => {
  await Promise.allSettled(installs.map((made) => made.close()));
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the first night', () => {
  it('is a sweep that fetches every entity, and marks where the feeds start', async () => {
    for (const runtime of [feedInstall, sweepInstall]) {
      const { run } = await syncNow(runtime, { trigger: 'nightly' });
      expect(run.plan).toMatchObject({ strategy: 'sweep', reason: expect.stringContaining('first run') });
      expect(run.counts).toMatchObject({ seen: COUNT, fetched: COUNT, failed: 0, deferred: 0 });
      expect(Object.keys(await runtime.changes.cursors())).toContain('wikidata');
    }
  });

  it("keeps in each proposal's evidence the hash of the record it compared, as the sync state does", async () => {
    const state = await states(sweepInstall);
    let proposals = 0;
    for await (const p of sweepInstall.store.stream({})) {
      proposals++;
      expect(p.evidence.recordHash, `${p.entity} · ${p.field}`).toBe(state.get(p.entity)?.recordHash);
    }
    expect(proposals).toBeGreaterThan(0);
  });
});

describe('after edits upstream and one local edit', () => {
  const changed = new Set<string>();
  let since = '';

  beforeAll(async () => {
    since = new Date().toISOString();
    const withPage = records.filter((r) => r.wikipedia);
    const withoutPage = records.filter((r) => !r.wikipedia);
    const [a, b, c, d, e] = withoutPage.length >= 5 ? withoutPage : records.slice(20);
    const [f, g, h] = withPage;
    if (!a || !b || !c || !d || !e || !f?.wikipedia || !g?.wikipedia || !h?.wikipedia)
      throw new Error('the generated store lacks the entities this test needs');
    fake.store.bumpRevision(a.qid);
    fake.store.setStatementValue(b.qid, 'P856', 'https://changed.example.org/');
    fake.store.mergeItem(c.qid, d.qid);
    fake.store.deleteItem(e.qid);
    fake.store.movePage('en', f.wikipedia.title, `${f.wikipedia.title} (moved)`);
    fake.store.setPageItem('en', g.wikipedia.title, 'Q42');
    fake.store.editPage('en', h.wikipedia.title);
    for (const r of [a, b, c, d, e, f, g, h]) changed.add(r.key);
    // A local edit: the record's website changes in the JSONL store.
    const local = records[COUNT - 1] as (typeof records)[number];
    const lines = readFileSync(jsonl, 'utf8').split('\n');
    lines[COUNT - 1] = JSON.stringify({
      ...local,
      facts: { ...local.facts, website: 'https://local-edit.example.org/' },
    });
    writeFileSync(jsonl, lines.join('\n'));
    changed.add(local.key);
  });

  it('the feed run fetches exactly the changed entities, merges and deletions included', async () => {
    fake.resetStats();
    const { run } = await syncNow(feedInstall, { trigger: 'nightly' });
    expect(run.plan).toMatchObject({ strategy: 'feed' });
    expect(run.plan?.feeds?.wikidata?.rows).toBeGreaterThan(0);
    expect(run.plan?.feeds?.en?.rows).toBeGreaterThan(0);
    expect(touchedSince(await states(feedInstall), since, 'checkedAt')).toEqual([...changed].sort());
    expect(run.counts).toMatchObject({ seen: COUNT, fetched: changed.size, failed: 0 });
    expect(run.requests.recentchanges?.requests).toBeGreaterThan(0);
    expect(run.requests['wikipedia-recentchanges']?.requests).toBeGreaterThan(0);
    // Only this night's slice of the rolling verification was revision-checked: 3 of its 8 batches.
    expect(fake.stats().byEndpoint['query-info-wikidata']?.requests ?? 0).toBeLessThanOrEqual(3);
    expect(run.counts.verified).toBeLessThanOrEqual(15);
  });

  it('the sweep run fetches the same entities and both end with the same proposals', async () => {
    const { run } = await syncNow(sweepInstall, { trigger: 'nightly' });
    expect(run.plan).toMatchObject({ strategy: 'sweep' });
    expect(touchedSince(await states(sweepInstall), since, 'checkedAt')).toEqual([...changed].sort());
    expect(run.counts).toMatchObject({ fetched: changed.size, verified: COUNT - 1 });
    const [viaFeed, viaSweep] = [await proposalsOf(feedInstall), await proposalsOf(sweepInstall)];
    expect(viaFeed).toEqual(viaSweep);
    expect(viaFeed.some((p) => p.includes('|qid|redirect|'))).toBe(true);
    expect(viaFeed.some((p) => p.includes('|qid|missing|'))).toBe(true);
    expect(viaFeed.some((p) => p.includes('https://changed.example.org/'))).toBe(true);
  });

  it('a second feed run finds nothing new to fetch', async () => {
    const before = new Date().toISOString();
    const { run } = await syncNow(feedInstall, { trigger: 'nightly' });
    expect(run.plan?.strategy).toBe('feed');
    expect(run.counts.fetched).toBe(0);
    expect(touchedSince(await states(feedInstall), before, 'checkedAt')).toEqual([]);
  });
});

describe('the rolling verification', () => {
  it('re-checks every entity exactly once over verifyDays nights, a slice a night', async () => {
    const seen = new Map<string, number>();
    const slices: number[] = [];
    for (let night = 0; night < 3; night++) {
      const before = new Date().toISOString();
      const { run } = await syncNow(feedInstall, { trigger: 'nightly' });
      expect(run.plan?.strategy).toBe('feed');
      slices.push(run.plan?.verification?.slice ?? -1);
      const verified = touchedSince(await states(feedInstall), before, 'verifiedAt');
      expect(verified.length).toBe(run.counts.verified);
      expect(verified.length).toBeLessThan(COUNT);
      for (const key of verified) seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(slices.sort()).toEqual([0, 1, 2]);
    expect([...seen.keys()].sort()).toEqual([...keys].sort());
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });
});

describe('falling back to a sweep', () => {
  it('when the last run read the feed longer ago than its 30-day horizon', async () => {
    // The world, and our clock with it, a month on.
    fake.advanceClock(31 * 86_400_000);
    const later = { ...feedInstall, clock: () => Date.now() + 31 * 86_400_000 };
    const { run } = await syncNow(later, { trigger: 'nightly' });
    expect(run.plan).toMatchObject({ strategy: 'sweep', reason: expect.stringContaining('30-day horizon') });
    expect(run.counts.verified).toBe(COUNT);
  });

  describe('when the feed breaks', () => {
    let broken: ScriptedServer;
    beforeAll(async () => {
      broken = await startScriptedServer(() => ({ status: 502, body: 'Bad Gateway' }));
    });
    afterAll(async () => broken.close());

    it('sweeps instead, and says why', async () => {
      const sources = feedInstall.sources;
      // The plan job asks through its own sources (sources.with): theirs is the feed that breaks.
      const breaking = {
        ...feedInstall,
        sources: {
          ...sources,
          with: (hooks: RequestHooks) => ({
            ...sources.with(hooks),
            feed: () =>
              new ChangeFeedSource(sources.http.with(hooks), `${broken.url}/w/api.php`, 'recentchanges', 500),
          }),
        },
      };
      const { run } = await syncNow(breaking, { trigger: 'nightly' });
      expect(run.plan).toMatchObject({
        strategy: 'sweep',
        reason: expect.stringContaining('change feed failed'),
      });
      expect(run.counts).toMatchObject({ seen: COUNT, verified: COUNT, failed: 0 });
      expect(broken.arrivals.length).toBeGreaterThan(0);
    });
  });
});

describe('a run with too small a budget', () => {
  it('defers what it cannot reach, says when it will, and the next runs reach it', async () => {
    // 36,000 an hour for 2 seconds: 20 requests a run, where a sweep of the whole store takes about 18.
    const runtime = await install('budget', {
      'http.budgetPerHour': 36_000,
      'sync.nightHours': 0.000556,
      'sync.batchSize': 5,
      'worker.concurrency': 1,
    });
    const { run } = await syncNow(runtime, { trigger: 'nightly' });
    expect(run.plan?.budget).toEqual({ perHour: 36_000, run: 20 });
    expect(run.counts.deferred).toBeGreaterThan(0);
    expect(run.counts.fetched + run.counts.deferred).toBe(COUNT);
    expect(run.backlog).toMatchObject({ entities: run.counts.deferred, runs: expect.any(Number) });
    const spent = Object.values(run.requests).reduce((n, r) => n + r.requests, 0);
    expect(spent).toBeLessThanOrEqual(20);
    const report = readFileSync(
      path.join(runtime.config.reports.dir, `${run.id.replace(/[^A-Za-z0-9._-]/g, '_')}.md`),
      'utf8',
    );
    expect(report).toContain(`${run.counts.deferred} entities could not be reached`);
    // The backlog's estimate holds: within that many more runs, every entity has been compared.
    for (let i = 0; i < (run.backlog?.runs ?? 0); i++) await syncNow(runtime, { trigger: 'nightly' });
    const after = await states(runtime);
    expect(keys.filter((key) => !after.has(key))).toEqual([]);
  });
});
