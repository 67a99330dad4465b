// The cooling-off for fresh edits end to end (issue 16, point 4): the example cards against the fake
// Wikimedia, through the queued pipeline. A website changed on Wikidata seconds before the night is not
// proposed: the run lists it as "recent edit, waiting" with the edit's revision and time (read from
// prop=revisions, walking back past a newer label edit that did not touch it), the card's other
// findings go on as usual, and a later run proposes the new website once the edit is old enough. A
// history that cannot be read (a proxy fails every prop=revisions) fails the entity: nothing proposed.
// The window here is 0.004 hours (14.4 s) so the test can wait it out; the default is 24.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncNow } from '../../src/jobs/sync.js';
import { writeConfigFile } from '../support/config.js';
import { startFaultyProxy } from '../support/faulty-proxy.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { runCli } from '../support/spawn.js';

const HOURS = 0.004;
const SORA = 'Q124544998';
let install: TestInstall;

beforeAll(async () => {
  install = await testInstall('cooling', { file: { review: { coolingOffHours: HOURS } } });
});
afterAll(async () => install?.close());

const open = async (entity: string, field: string) =>
  (await install.runtime.store.list({ entity, field: [field], status: ['open'] }, { limit: 10 })).proposals;

describe('the cooling-off', () => {
  let editedAt = 0;
  let websiteRevision = 0;

  it('proposes findings of items edited long ago at once', async () => {
    const { run } = await syncNow(install.runtime, { trigger: 'nightly' });
    expect(run.counts.fetched).toBe(9);
    expect(run.proposals.created).toBeGreaterThan(0);
    expect(run.waiting).toBeUndefined();
    // The fixtures' items were last edited in 2025: no history is read for them.
    expect(run.requests['query-revisions']).toBeUndefined();
    expect(await open('sora', 'website')).toEqual([]);
  });

  it('holds back a website changed seconds ago, and says so with the edit', async () => {
    editedAt = Date.now();
    websiteRevision = install.fake.store.setStatementValue(SORA, 'P856', 'https://sora.com');
    // A newer edit that touches only a German label: the walk goes past it to the website's.
    install.fake.store.bumpRevision(SORA, '/* wbsetlabel-set:1|de */ Sora');
    const before = (await install.runtime.store.list({ entity: 'sora', status: ['open'] }, { limit: 50 }))
      .proposals;

    const { code, stdout } = await runCli(['sync', '--config', install.configFile], install.env);
    expect(code).toBe(0);
    expect(stdout).toContain('1 field edited on Wikidata less than review.coolingOffHours ago waits');

    const [run] = await install.runtime.store.listRuns(1);
    expect(run?.counts).toMatchObject({ fetched: 1 });
    expect(run?.proposals.waiting).toBe(1);
    expect(run?.waiting).toEqual([
      expect.objectContaining({ entity: 'sora', qid: SORA, field: 'website', revision: websiteRevision }),
    ]);
    const waited = run?.waiting?.[0];
    expect(Math.abs(Date.parse(waited?.editedAt ?? '') - editedAt)).toBeLessThan(2000);
    // Two rounds: the label edit, then the website's. Sora's other findings are the proposals the store
    // holds already (no news, whenever the item was edited): their history is not looked into.
    expect(run?.requests['query-revisions']?.requests).toBe(2);
    expect(await open('sora', 'website')).toEqual([]);
    // Sora's other findings were compared as usual: the same proposals stand, seen in this run.
    const after = (await install.runtime.store.list({ entity: 'sora', status: ['open'] }, { limit: 50 }))
      .proposals;
    expect(after.map((p) => p.id).sort()).toEqual(before.map((p) => p.id).sort());
    expect(after.every((p) => p.lastRun === run?.id)).toBe(true);

    const report = readFileSync(`${install.config.reports.dir}/${run?.id}.md`, 'utf8');
    expect(report).toContain('## Recent edits, waiting (1)');
    expect(report).toContain(
      `sora (${SORA}) · website: recent edit, waiting — revision ${websiteRevision} of`,
    );
  });

  it('compares it on a later run once the edit is old enough, and proposes it if it still stands', async () => {
    // Before the window is over, a run leaves it waiting: nothing new on Wikidata, nothing fetched.
    const early = await syncNow(install.runtime, { trigger: 'nightly' });
    expect(early.run.counts).toMatchObject({ fetched: 0, unchanged: 9 });

    await sleep(Math.max(0, editedAt + HOURS * 3_600_000 + 500 - Date.now()));
    const { run } = await syncNow(install.runtime, { trigger: 'nightly' });
    expect(run.counts).toMatchObject({ fetched: 1, unchanged: 8 });
    expect(run.waiting).toBeUndefined();
    const website = await open('sora', 'website');
    expect(website).toMatchObject([{ kind: 'update', remote: 'https://sora.com' }]);
    expect(website[0]?.firstRun).toBe(run.id);
  });

  it('fails the entity, and proposes nothing, when the edit history cannot be read', async () => {
    const proxy = await startFaultyProxy(install.fake.wikidataUrl, (path) =>
      path.includes('prop=revisions') ? 500 : undefined,
    );
    try {
      install.fake.store.setStatementValue(SORA, 'P856', 'https://sora.example');
      const file = writeConfigFile(path.join(install.dir, 'no-history.yaml'), {
        store: { path: install.config.store.path },
        reports: { dir: install.config.reports.dir },
        http: { ratePerSecond: 1000, budgetPerHour: 10_000_000, retries: 0 },
        worker: { attempts: 1, lockDurationMs: 5000, shutdownTimeoutMs: 5000 },
        review: { coolingOffHours: HOURS },
      });
      const { stdout } = await runCli(['sync', '--config', file], {
        ...install.env,
        WIKIDATA_URL: proxy.url,
      });
      expect(stdout).toContain('1 of 9 entities could not be compared (HTTP_STATUS 1)');
      const [run] = await install.runtime.store.listRuns(1);
      expect(run?.status).toBe('partial');
      expect(run?.failures).toContainEqual(
        expect.objectContaining({
          entity: 'sora',
          code: 'HTTP_STATUS',
          reason: expect.stringContaining('query-revisions'),
        }),
      );
      // The proposal of the last run stands: neither superseded by the new value nor resolved.
      expect(await open('sora', 'website')).toMatchObject([{ remote: 'https://sora.com' }]);
    } finally {
      await proxy.close();
    }
  });
});
