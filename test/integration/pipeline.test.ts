// The queued pipeline end to end: example cards against the fake Wikimedia, through BullMQ on a real
// Redis, into a SQLite store and reports.

import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncNow } from '../../src/jobs/sync.js';
import { type TestInstall, testInstall } from '../support/install.js';

let install: TestInstall;
beforeAll(async () => {
  // An edit made in the fake is seconds old: the cooling-off (its own test, cooling-off.test.ts) would
  // hold it back, and this file is about what a run fetches.
  install = await testInstall('pipeline', { settings: { 'review.coolingOffHours': 0 } });
});
afterAll(async () => install?.close());

describe('a run over the example cards', () => {
  it('compares every readable card and writes proposals and reports', async () => {
    const { run, reports } = await syncNow(install.runtime, { trigger: 'one-off' });
    expect(run.status).toBe('done');
    expect(run.counts).toMatchObject({ seen: 9, unreadable: 1, fetched: 9, unchanged: 0 });
    expect(run.failures).toEqual([
      expect.objectContaining({ code: 'READ_ERROR', line: 15, reason: expect.stringContaining('Junuary') }),
    ]);
    const store = install.runtime.store;
    const sora = (await store.list({ entity: 'sora' }, { limit: 50 })).proposals;
    expect(sora.map((p) => `${p.field}:${p.kind}`).sort()).toEqual([
      'inception:add',
      'owner:add',
      'published:add',
    ]);
    const veo = (await store.list({ entity: 'broken-veo' }, { limit: 50 })).proposals.map(
      (p) => `${p.field}:${p.kind}`,
    );
    expect(veo).toEqual(expect.arrayContaining(['qid:local-conflict', 'qid:missing']));
    expect(run.requests.wbgetentities?.requests).toBeGreaterThan(0);
    const html = readFileSync(reports.html, 'utf8');
    expect(html).toContain('factsync run');
    expect(html).toContain('Sora');
  });

  it('on a second night over unchanged data makes revision checks only', async () => {
    install.fake.resetStats();
    const { run } = await syncNow(install.runtime, { trigger: 'nightly' });
    expect(run.counts).toMatchObject({ seen: 9, fetched: 0, unchanged: 9 });
    expect(install.fake.stats().byEndpoint.wbgetentities.requests).toBe(0);
    expect(install.fake.stats().byEndpoint['query-info-wikidata'].requests).toBeGreaterThan(0);
    expect(run.proposals.seen).toBeGreaterThan(0);
  });

  it('compares a card again when it changed, even though its item did not', async () => {
    const card = `${install.local}/openai.md`;
    writeFileSync(card, readFileSync(card, 'utf8').replaceAll('December 11, 2015', 'December 2015'));
    const { run } = await syncNow(install.runtime, { trigger: 'manual' });
    expect(run.counts).toMatchObject({ fetched: 1, unchanged: 8 });
    const inception = (
      await install.runtime.store.list({ entity: 'openai', field: ['inception'] }, { limit: 5 })
    ).proposals;
    expect(inception).toMatchObject([{ kind: 'update', local: '2015-12', remote: '2015-12-11' }]);
  });

  it('compares an entity again when its item changed upstream', async () => {
    install.fake.store.setStatementValue('Q124544998', 'P856', 'https://sora.com');
    const { run } = await syncNow(install.runtime, { trigger: 'nightly' });
    expect(run.counts).toMatchObject({ fetched: 1, unchanged: 8 });
    const website = (await install.runtime.store.list({ entity: 'sora', field: ['website'] }, { limit: 5 }))
      .proposals;
    expect(website).toMatchObject([{ kind: 'update', remote: 'https://sora.com', status: 'open' }]);
  });
});
