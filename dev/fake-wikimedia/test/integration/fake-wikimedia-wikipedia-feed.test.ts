// The fake Wikipedias' change feeds (list=recentchanges on {url}/wikipedia/{lang}/w/api.php) over real
// HTTP on loopback: page mutations recorded as MediaWiki records them (shapes and sources in
// dev/fake-wikimedia/src/wikipedia-edits.ts and test/fixtures/wikimedia/README.md), revision ids
// consistent with prop=info, paging with rccontinue, and the synthetic background's volume.

import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeWikimedia,
  type FakeWikimediaOptions,
  generatedEntity,
  startFakeWikimedia,
} from '../../src/index.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests walk arbitrary response JSON.
type Json = any;
type Params = Record<string, string>;

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const FEED_PROPS = 'title|ids|timestamp|loginfo|comment|sizes';

async function wikipedia(fake: FakeWikimedia, lang: string, params: Params): Promise<Json> {
  const query = new URLSearchParams({ format: 'json', ...params }).toString();
  const response = await request(`${fake.url}/wikipedia/${lang}/w/api.php?${query}`, {
    headers: { 'user-agent': 'factsync-test/1.0 (test@example.org)' },
  });
  const raw = Buffer.from(await response.body.arrayBuffer());
  const text =
    response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  expect(response.statusCode).toBe(200);
  return JSON.parse(text);
}

async function control(fake: FakeWikimedia, action: string, args: Record<string, unknown>): Promise<Json> {
  const response = await request(`${fake.url}/__control/${action}`, {
    method: 'POST',
    body: JSON.stringify(args),
  });
  const body = (await response.body.json()) as Json;
  expect(response.statusCode, JSON.stringify(body)).toBe(200);
  return body;
}

/** The titles of generated articles on the `lang` Wikipedia, by item index. */
function titlesOn(fake: FakeWikimedia, count: number, lang: string): string[] {
  return Array.from({ length: count }, (_, i) => generatedEntity(fake.seed, i, { count }))
    .map((entity) => entity.sitelinks?.[`${lang}wiki`]?.title)
    .filter((title): title is string => title !== undefined);
}

function fakeFor(options: FakeWikimediaOptions): () => FakeWikimedia {
  let fake: FakeWikimedia | undefined;
  beforeAll(async () => {
    fake = await startFakeWikimedia({ clock: () => NOW, ...options });
  });
  afterAll(async () => {
    await fake?.close();
  });
  return () => {
    if (!fake) throw new Error('fake not started');
    return fake;
  };
}

/** Every row of a feed query, following rccontinue; checks the continue block on the way. */
async function allRows(fake: FakeWikimedia, lang: string, params: Params): Promise<Json[]> {
  const rows: Json[] = [];
  let cont: string | undefined;
  for (let page = 0; page < 1_000; page++) {
    const json = await wikipedia(fake, lang, {
      action: 'query',
      list: 'recentchanges',
      formatversion: '2',
      ...params,
      ...(cont ? { rccontinue: cont } : {}),
    });
    rows.push(...json.query.recentchanges);
    cont = json.continue?.rccontinue;
    if (!cont) return rows;
    expect(json.continue.continue).toBe('-||');
    expect(cont).toMatch(/^\d{14}\|\d+$/);
  }
  throw new Error('more than 1000 pages');
}

describe('Wikipedia change feeds: page mutations', () => {
  const fake = fakeFor({ entities: 60, wikipediaChangesPerDay: 0 });
  const newest = async (lang: string, n: number, extra: Params = {}): Promise<Json[]> =>
    (
      await wikipedia(fake(), lang, {
        action: 'query',
        list: 'recentchanges',
        rcprop: FEED_PROPS,
        rclimit: String(n),
        formatversion: '2',
        ...extra,
      })
    ).query.recentchanges;
  const info = async (lang: string, title: string): Promise<Json> =>
    (
      await wikipedia(fake(), lang, {
        action: 'query',
        prop: 'info|pageprops',
        titles: title,
        formatversion: '2',
      })
    ).query.pages[0];
  const enTitles = () => titlesOn(fake(), 60, 'en');

  it('editPage shows as an edit row whose revid is the page’s new lastrevid', async () => {
    const title = enTitles()[0] as string;
    const before = await info('en', title);
    const edited = fake().store.editPage('en', title);
    const after = await info('en', title);
    expect(after.lastrevid).toBe(edited.lastrevid);
    expect(after.lastrevid).toBeGreaterThan(before.lastrevid);
    const [row] = await newest('en', 1);
    expect(row).toMatchObject({
      type: 'edit',
      ns: 0,
      title,
      pageid: before.pageid,
      revid: after.lastrevid,
      old_revid: before.lastrevid,
      oldlen: before.length,
      newlen: after.length,
      timestamp: '2026-01-15T12:00:00Z',
    });
    const overHttp = await control(fake(), 'editPage', { lang: 'en', title, comment: 'typo' });
    const [again] = await newest('en', 1);
    expect(again).toMatchObject({ type: 'edit', title, revid: overHttp.page.lastrevid, comment: 'typo' });
    expect(again.old_revid).toBe(after.lastrevid);
    expect((await info('en', title)).lastrevid).toBe(overHttp.page.lastrevid);
  });

  it('setPageItem shows as an external row: the item changed on Wikidata, the page has no new revision', async () => {
    const before = await info('en', 'ChatGPT');
    fake().store.setPageItem('en', 'ChatGPT', 'Q1000021');
    const after = await info('en', 'ChatGPT');
    expect(after.pageprops.wikibase_item).toBe('Q1000021');
    expect(after.lastrevid).toBe(before.lastrevid);
    const [row] = await newest('en', 1);
    expect(row).toMatchObject({
      type: 'external',
      title: 'ChatGPT',
      pageid: before.pageid,
      revid: before.lastrevid,
      old_revid: before.lastrevid,
      comment: '/* wbsetsitelink-add:1|enwiki */ ChatGPT',
    });
    expect(await newest('en', 1, { rctype: 'edit|new|log' })).not.toContainEqual(row);
  });

  it('movePage shows as a move log row on the old title, with target_title, and the null revision', async () => {
    const [from] = enTitles().slice(1) as [string];
    const to = `${from} (renamed)`;
    const before = await info('en', from);
    fake().store.movePage('en', from, to);
    const moved = await info('en', to);
    expect(moved.pageid).toBe(before.pageid);
    expect(moved.lastrevid).toBeGreaterThan(before.lastrevid);
    const redirect = await info('en', from);
    expect(redirect.redirect).toBe(true);
    const [log] = await newest('en', 1, { rctype: 'log' });
    expect(log).toEqual({
      type: 'log',
      ns: 0,
      title: from,
      pageid: before.pageid,
      revid: moved.lastrevid,
      old_revid: 0,
      rcid: expect.any(Number),
      oldlen: 0,
      newlen: 0,
      timestamp: '2026-01-15T12:00:00Z',
      comment: expect.any(String),
      logid: expect.any(Number),
      logtype: 'move',
      logaction: 'move',
      logparams: { target_ns: 0, target_title: to, suppressredirect: false },
    });
    // The item's sitelink follows the move on Wikidata, which the Wikipedia shows as an external row.
    const [external] = await newest('en', 1);
    expect(external).toMatchObject({ type: 'external', title: to, revid: moved.lastrevid });
    expect(external.comment).toContain('clientsitelink-update');
    // formatversion 1 writes the false boolean by leaving it out.
    const v1 = await wikipedia(fake(), 'en', {
      action: 'query',
      list: 'recentchanges',
      rctype: 'log',
      rcprop: 'title|loginfo',
      rclimit: '1',
    });
    expect(v1.query.recentchanges[0].logparams).toEqual({ target_ns: 0, target_title: to });
  });

  it('a move without a redirect leaves the old title missing and says suppressredirect', async () => {
    const [, , from] = enTitles() as [string, string, string];
    await control(fake(), 'movePage', { lang: 'en', from, to: `${from} (moved)`, redirect: false });
    expect((await info('en', from)).missing).toBe(true);
    const [log] = await newest('en', 1, { rctype: 'log' });
    expect(log.logparams).toEqual({ target_ns: 0, target_title: `${from} (moved)`, suppressredirect: true });
    const v1 = await wikipedia(fake(), 'en', {
      action: 'query',
      list: 'recentchanges',
      rctype: 'log',
      rcprop: 'loginfo',
      rclimit: '1',
    });
    expect(v1.query.recentchanges[0].logparams.suppressredirect).toBe('');
  });

  it('deletePage makes the page missing, with a delete log row, and forgets its other rows', async () => {
    const [, , , first, second] = enTitles() as string[];
    const title = first as string;
    const page = fake().store.editPage('en', title);
    fake().store.deletePage('en', title);
    expect((await info('en', title)).missing).toBe(true);
    const [log] = await newest('en', 1);
    expect(log).toMatchObject({
      type: 'log',
      title,
      pageid: 0,
      revid: 0,
      logtype: 'delete',
      logaction: 'delete',
      logparams: {},
    });
    const rows = await newest('en', 500);
    expect(rows.filter((r) => r.revid === page.lastrevid)).toEqual([]);

    // Edited, moved, then deleted under its new title: the edit under the old title goes too (by page id).
    const other = second as string;
    const edited = fake().store.editPage('en', other);
    fake().store.movePage('en', other, `${other} (moved away)`);
    await control(fake(), 'deletePage', { lang: 'en', title: `${other} (moved away)` });
    const after = await newest('en', 500);
    expect(after.filter((r) => r.revid === edited.lastrevid)).toEqual([]);
    expect(after.filter((r) => r.pageid === edited.pageid).map((r) => r.type)).toEqual(['log']);
    expect(after.filter((r) => r.title === other).map((r) => r.logtype)).toEqual(['move']);
    const missing = await request(`${fake().url}/__control/deletePage`, {
      method: 'POST',
      body: JSON.stringify({ lang: 'en', title: title }),
    });
    expect(missing.statusCode).toBe(400);
    await missing.body.dump();
  });

  it('keeps each language’s feed to itself', async () => {
    const [title] = titlesOn(fake(), 60, 'de') as [string];
    const enBefore = await newest('en', 500);
    fake().store.editPage('de', title);
    expect(await newest('en', 500)).toEqual(enBefore);
    expect(await newest('de', 500)).toEqual([expect.objectContaining({ type: 'edit', title })]);
  });
});

describe('Wikipedia change feeds: the background', () => {
  const fake = fakeFor({ entities: 100 });

  it('has 100,000 edits a day by default, to background articles only', async () => {
    const rows = await allRows(fake(), 'en', {
      rcdir: 'newer',
      rcstart: '2026-01-14T00:00:00Z',
      rcend: '2026-01-14T23:59:59Z',
      rcprop: 'title|ids|timestamp',
      rclimit: 'max',
    });
    expect(rows).toHaveLength(100_000);
    expect(new Set(rows.map((r) => r.rcid)).size).toBe(100_000);
    for (const row of rows) expect(row.title).toMatch(/^Background article \d+$/);
    expect(rows[0].timestamp).toBe('2026-01-14T00:00:00Z');
    expect(rows.at(-1).timestamp).toBe('2026-01-14T23:59:59Z');
  }, 120_000);

  it('differs between languages and ends 30 days back', async () => {
    const params = { action: 'query', list: 'recentchanges', rclimit: '5', formatversion: '2' };
    const en = (await wikipedia(fake(), 'en', params)).query.recentchanges;
    const de = (await wikipedia(fake(), 'de', params)).query.recentchanges;
    expect(en.map((r: Json) => r.title)).not.toEqual(de.map((r: Json) => r.title));
    const old = await wikipedia(fake(), 'en', {
      ...params,
      rcstart: '2025-12-10T00:00:00Z',
      rcend: '2025-12-01T00:00:00Z',
    });
    expect(old.query.recentchanges).toEqual([]);
    expect(old.continue).toBeUndefined();
  });

  it('pages every row exactly once, in order, with recorded rows among the background', async () => {
    const [edited, moved] = titlesOn(fake(), 100, 'en') as [string, string];
    fake().store.editPage('en', edited);
    fake().store.movePage('en', moved, `${moved} (renamed)`);
    const window = { rcstart: '2026-01-15T11:50:00Z', rcend: '2026-01-15T12:00:00Z' };
    const props = { rcprop: 'title|ids|timestamp|loginfo' };
    const small = await allRows(fake(), 'en', { ...window, ...props, rcdir: 'newer', rclimit: '7' });
    const big = await allRows(fake(), 'en', { ...window, ...props, rcdir: 'newer', rclimit: '500' });
    const backwards = await allRows(fake(), 'en', {
      rcstart: window.rcend,
      rcend: window.rcstart,
      ...props,
      rclimit: '13',
    });
    expect(small.length).toBeGreaterThan(690);
    expect(big).toEqual(small);
    expect([...backwards].reverse()).toEqual(small);
    expect(new Set(small.map((r) => r.rcid)).size).toBe(small.length);
    const keys = small.map((r) => [r.timestamp, r.rcid] as const);
    const sorted = [...keys].sort(([ta, ra], [tb, rb]) => (ta < tb ? -1 : ta > tb ? 1 : ra - rb));
    expect(keys).toEqual(sorted);
    const own = small.filter((r) => !/^Background article/.test(r.title));
    expect(own.map((r) => [r.type, r.title])).toEqual([
      ['edit', edited],
      ['log', moved],
      ['external', `${moved} (renamed)`],
    ]);
  });

  it('clamps rclimit to 500 with a warning, as for any account without apihighlimits', async () => {
    const json = await wikipedia(fake(), 'en', {
      action: 'query',
      list: 'recentchanges',
      rclimit: '5000',
      formatversion: '2',
    });
    expect(json.query.recentchanges).toHaveLength(500);
    expect(json.warnings.recentchanges.warnings).toBe('rclimit may not be over 500 (set to 500) for users.');
    expect(json.continue.rccontinue).toMatch(/^\d{14}\|\d+$/);
  });
});
