// The fake Wikimedia over real HTTP on loopback: response shapes (checked against our fixtures, which
// follow captured real responses), generated entities, the mutation API, the change feed, faults,
// gzip and stats. Every server is closed when its block ends.

import { readFileSync } from 'node:fs';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonlRecord } from '../../../../src/local/read/jsonl-record.js';
import { testConfig } from '../../../../test/support/config.js';
import { FlagError, fakeWikimediaOptions } from '../../src/cli.js';
import {
  type FakeWikimedia,
  type FakeWikimediaOptions,
  generatedDifference,
  generatedEntity,
  generatedRecord,
  parseFaultSpec,
  startFakeWikimedia,
} from '../../src/index.js';
import { guid, hex, mulberry32 } from '../../src/random.js';
import { itemValue, snak, statement } from '../../src/snaks.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests walk arbitrary response JSON.
type Json = any;

const FIXTURES = new URL('../../../../test/fixtures/wikimedia/', import.meta.url);
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, Json>;
const UA = 'factsync-test/1.0 (https://example.org/factsync; test@example.org)';
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Json;
  /** The body as sent (after gunzip). */
  text: string;
}

type Params = Record<string, string>;

async function api(
  fake: FakeWikimedia,
  path: string,
  params: Params,
  init: { method?: 'GET' | 'POST'; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const query = new URLSearchParams({ format: 'json', ...params }).toString();
  const post = init.method === 'POST';
  const response = await request(`${fake.url}${path}${post ? '' : `?${query}`}`, {
    method: init.method ?? 'GET',
    headers: {
      'user-agent': UA,
      ...(post ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...init.headers,
    },
    ...(post ? { body: query } : {}),
  });
  const raw = Buffer.from(await response.body.arrayBuffer());
  const text =
    response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return { status: response.statusCode, headers: response.headers, json: JSON.parse(text), text };
}

const wikidata = (fake: FakeWikimedia, params: Params, init?: Parameters<typeof api>[3]) =>
  api(fake, '/w/api.php', params, init);
const wikipedia = (fake: FakeWikimedia, lang: string, params: Params) =>
  api(fake, `/wikipedia/${lang}/w/api.php`, params);

/** Starts a fake for one describe block and closes it after. */
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

const FULL_PROPS = 'info|labels|descriptions|aliases|claims|sitelinks/urls';

describe('wbgetentities', () => {
  const fake = fakeFor({ entities: 20 });

  it('answers the fixtures’ own requests with the fixtures’ responses', async () => {
    const sora = await wikidata(fake(), {
      action: 'wbgetentities',
      ids: 'Q124544998',
      props: FULL_PROPS,
      languages: 'en',
      sitefilter: 'enwiki',
    });
    expect(sora.status).toBe(200);
    expect(sora.json).toEqual(fixture('wbgetentities_Q124544998.json'));
    const mixed = await wikidata(fake(), {
      action: 'wbgetentities',
      ids: 'Q124544998|Q999999901|Q120281745',
      props: FULL_PROPS,
      languages: 'en',
      sitefilter: 'enwiki',
    });
    expect(mixed.json).toEqual(fixture('wbgetentities_mixed_batch.json'));
    expect(Object.keys(mixed.json.entities)).toEqual(['Q124544998', 'Q999999901', 'Q120281745']);
    const labels = await wikidata(fake(), {
      action: 'wbgetentities',
      ids: 'Q21708200|Q136505399|Q125279327|Q116777014|Q125563211|Q125218402|Q124544998',
      props: 'labels|aliases',
      languages: 'en',
    });
    expect(labels.json).toEqual(fixture('wbgetentities_labels_batch.json'));
  });

  it('keeps info fields, then redirects, then the entity, in the real key order', async () => {
    const { json } = await wikidata(fake(), {
      action: 'wbgetentities',
      ids: 'Q120281745',
      props: 'info|labels',
    });
    const merged = json.entities.Q120281745;
    expect(Object.keys(merged)).toEqual([
      'pageid',
      'ns',
      'title',
      'lastrevid',
      'modified',
      'redirects',
      'type',
      'id',
      'labels',
    ]);
    expect(merged.redirects).toEqual({ from: 'Q120281745', to: 'Q124544998' });
    expect(merged.id).toBe('Q124544998');
  });

  it('treats merged items as missing with redirects=no', async () => {
    const { json } = await wikidata(fake(), { action: 'wbgetentities', ids: 'Q120281745', redirects: 'no' });
    expect(json.entities.Q120281745).toEqual({ id: 'Q120281745', missing: '' });
  });

  it('filters languages, sites and props, and keeps missing as "" under formatversion=2', async () => {
    const { json } = await wikidata(fake(), {
      action: 'wbgetentities',
      ids: 'Q1000003|Q999999901|Q5',
      props: 'labels|sitelinks',
      languages: 'en|xx',
      sitefilter: 'enwiki|dewiki',
      formatversion: '2',
    });
    const item = json.entities.Q1000003;
    expect(Object.keys(item)).toEqual(['type', 'id', 'labels', 'sitelinks']);
    expect(Object.keys(item.labels)).toEqual(['en']);
    for (const site of Object.keys(item.sitelinks)) expect(['enwiki', 'dewiki']).toContain(site);
    expect(item.sitelinks.enwiki.url).toBeUndefined();
    const sora = await wikidata(fake(), { action: 'wbgetentities', ids: 'Q124544998', props: 'sitelinks' });
    expect(sora.json.entities.Q124544998.sitelinks.enwiki).toEqual({
      site: 'enwiki',
      title: 'Sora (text-to-video model)',
      badges: [],
    });
    expect(json.entities.Q999999901).toEqual({ id: 'Q999999901', missing: '' });
    expect(json.entities.Q5).toEqual({ id: 'Q5', missing: '' });
  });

  it('falls back to another language with languagefallback', async () => {
    const { json } = await wikidata(fake(), {
      action: 'wbgetentities',
      ids: 'Q1000002',
      props: 'labels',
      languages: 'xx',
      languagefallback: '1',
    });
    expect(json.entities.Q1000002.labels.xx).toMatchObject({ language: 'en', 'for-language': 'xx' });
  });

  it('fails the whole request on an invalid id, in the legacy error shape', async () => {
    const answer = await wikidata(fake(), { action: 'wbgetentities', ids: 'Q124544998|Sora' });
    expect(answer.status).toBe(200);
    expect(answer.headers['mediawiki-api-error']).toBe('no-such-entity');
    const expected = fixture('wbgetentities_error_no_such_entity.json');
    expect(answer.json.error).toEqual(expected.error);
    expect(typeof answer.json.servedby).toBe('string');
    expect(answer.json.entities).toBeUndefined();
  });

  it('refuses more than 50 ids with toomanyvalues', async () => {
    const ids = Array.from({ length: 51 }, (_, i) => `Q${1_000_000 + i}`).join('|');
    const { json, headers } = await wikidata(fake(), { action: 'wbgetentities', ids });
    expect(headers['mediawiki-api-error']).toBe('toomanyvalues');
    expect(json.error).toMatchObject({
      code: 'toomanyvalues',
      info: 'Too many values supplied for parameter "ids". The limit is 50.',
      limit: 50,
      lowlimit: 50,
      highlimit: 500,
    });
    const fv2 = await wikidata(fake(), { action: 'wbgetentities', ids, formatversion: '2' });
    expect(fv2.json.error.docref).toMatch(/^See https:\/\/www\.wikidata\.org\/w\/api\.php/);
  });

  it('answers a form-encoded POST like the GET', async () => {
    const params = { action: 'wbgetentities', ids: 'Q1000001|Q1000002', props: 'info|claims' };
    const get = await wikidata(fake(), params);
    const post = await wikidata(fake(), params, { method: 'POST' });
    expect(post.json).toEqual(get.json);
  });

  it('escapes non-ASCII as \\uXXXX under formatversion 1 and sends it raw under 2, as the captures show', async () => {
    const params = {
      action: 'wbgetentities',
      ids: 'Q21708200|Q136505399|Q125279327|Q116777014|Q125563211|Q125218402|Q124544998',
      props: 'labels|aliases',
      languages: 'en',
    };
    const fv1 = await wikidata(fake(), params);
    expect(fv1.json).toEqual(fixture('wbgetentities_labels_batch.json'));
    expect(fv1.text).toContain('"mod\\u00e8le de diffusion"');
    expect(fv1.text).toMatch(/^[\x20-\x7e]*$/);
    const fv2 = await wikidata(fake(), { ...params, formatversion: '2' });
    expect(fv2.text).toContain('"modèle de diffusion"');
    // Generated items have Japanese and Russian descriptions: escaped too, in UTF-16 units.
    const ids = Array.from({ length: 20 }, (_, i) => `Q${1_000_000 + i}`).join('|');
    const generated = await wikidata(fake(), { action: 'wbgetentities', ids });
    expect(generated.text).toMatch(/^[\x20-\x7e]*$/);
    const raw = await wikidata(fake(), { action: 'wbgetentities', ids, formatversion: '2' });
    expect(raw.text).toMatch(/[\u0080-\uffff]/);
    expect(raw.json.entities).toEqual(generated.json.entities);
    expect(generated.json.entities.Q1000000).toEqual(
      JSON.parse(JSON.stringify(generatedEntity(fake().seed, 0, { count: 20 }))),
    );
  });

  it('builds no statements for a labels request, and shows the same labels and aliases', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `Q${1_000_000 + i}`).join('|');
    const labels = await wikidata(fake(), { action: 'wbgetentities', ids, props: 'labels|aliases' });
    const full = await wikidata(fake(), { action: 'wbgetentities', ids });
    for (const [id, entity] of Object.entries(labels.json.entities as Record<string, Json>)) {
      expect(entity).toEqual({
        type: 'item',
        id,
        labels: full.json.entities[id].labels,
        aliases: full.json.entities[id].aliases,
      });
    }
    const { claims, ...rest } = generatedEntity(3, 5, { count: 20 });
    expect(claims).toBeDefined();
    expect(generatedEntity(3, 5, { count: 20, claims: false })).toEqual(rest);
  });

  it('serves generated entities exactly as generatedEntity builds them', async () => {
    const { json } = await wikidata(fake(), { action: 'wbgetentities', ids: 'Q1000007' });
    const built = generatedEntity(fake().seed, 7, { count: 20 });
    expect(json.entities.Q1000007).toEqual(JSON.parse(JSON.stringify(built)));
    const developer = built.claims?.P178?.[0]?.mainsnak.datavalue?.value as { id: string };
    const labels = await wikidata(fake(), { action: 'wbgetentities', ids: developer.id, props: 'labels' });
    expect(labels.json.entities[developer.id].labels.en.value).toMatch(/\S/);
  });
});

describe('action=query prop=info on Wikidata (the revision check)', () => {
  const fake = fakeFor({});
  const titles = 'Q124544998|Q21708200|Q120281745|Q999999901';

  it('matches the formatversion 2 fixture', async () => {
    const { json } = await wikidata(fake(), {
      action: 'query',
      prop: 'info',
      titles,
      redirects: '1',
      formatversion: '2',
    });
    expect(json).toEqual(fixture('query_info_wikidata_batch.json'));
    expect(json.query.pages[0].missing).toBe(true);
  });

  it('matches the formatversion 1 fixture', async () => {
    const { json } = await wikidata(fake(), { action: 'query', prop: 'info', titles, redirects: '1' });
    expect(json).toEqual(fixture('query_info_wikidata_batch_fv1.json'));
    expect(json.query.pages['-1'].missing).toBe('');
  });

  it('shows the redirect page itself without redirects=1, and normalizes titles', async () => {
    const v2 = await wikidata(fake(), {
      action: 'query',
      prop: 'info',
      titles: 'Q120281745|q21708200',
      formatversion: '2',
    });
    expect(v2.json.query.redirects).toBeUndefined();
    expect(v2.json.query.normalized).toEqual([{ fromencoded: false, from: 'q21708200', to: 'Q21708200' }]);
    const redirect = v2.json.query.pages.find((p: Json) => p.title === 'Q120281745');
    expect(redirect).toMatchObject({ pageid: 112775609, redirect: true, lastrevid: 2386902045 });
    const v1 = await wikidata(fake(), { action: 'query', prop: 'info', titles: 'Q120281745' });
    expect(v1.json.query.pages['112775609'].redirect).toBe('');
  });

  it('refuses more than 50 titles with toomanyvalues', async () => {
    const many = Array.from({ length: 60 }, (_, i) => `Q${i + 1}`).join('|');
    const { json } = await wikidata(fake(), {
      action: 'query',
      prop: 'info',
      titles: many,
      formatversion: '2',
    });
    expect(json.error).toMatchObject({ code: 'toomanyvalues', limit: 50 });
  });
});

describe('action=query on Wikipedia', () => {
  const fake = fakeFor({ entities: 10 });

  it('matches the fixture: normalized, redirects (moved pages), missing, pageprops', async () => {
    const { json } = await wikipedia(fake(), 'en', {
      action: 'query',
      prop: 'info|pageprops',
      ppprop: 'wikibase_item',
      redirects: '1',
      titles: 'Sora_(text-to-video_model)|OpenAI|Sora_(OpenAI)|DALL-E|No_such_page_xyz',
      formatversion: '2',
    });
    expect(json).toEqual(fixture('wikipedia_query_pages.json'));
  });

  it('reports invalid titles in both format versions', async () => {
    const v2 = await wikipedia(fake(), 'en', {
      action: 'query',
      prop: 'info',
      titles: 'Foo<bar',
      formatversion: '2',
    });
    expect(v2.json.query.pages).toEqual([
      {
        title: 'Foo<bar',
        invalidreason: 'The requested page title contains invalid characters: "<".',
        invalid: true,
      },
    ]);
    const v1 = await wikipedia(fake(), 'en', { action: 'query', prop: 'info', titles: 'Foo<bar|Nope' });
    expect(v1.json.query.pages['-1']).toMatchObject({ title: 'Foo<bar', invalid: '' });
    expect(v1.json.query.pages['-2']).toMatchObject({ title: 'Nope', missing: '' });
  });

  it('serves the articles of generated items, linked to their item', async () => {
    const entity = generatedEntity(fake().seed, 4, { count: 10 });
    const site = Object.keys(entity.sitelinks ?? {})[0] as string;
    const title = entity.sitelinks?.[site]?.title as string;
    const lang = site.replace(/wiki$/, '');
    const { json } = await wikipedia(fake(), lang, {
      action: 'query',
      prop: 'info|pageprops',
      ppprop: 'wikibase_item|disambiguation',
      redirects: '1',
      titles: title.replace(/ /g, '_'),
      formatversion: '2',
    });
    expect(json.query.pages[0]).toMatchObject({
      title,
      contentmodel: 'wikitext',
      pageprops: { wikibase_item: 'Q1000004' },
    });
  });
});

describe('the mutation API and the change feed', () => {
  const fake = fakeFor({ entities: 50, recentChangesPerDay: 0 });
  const lastrevid = async (qid: string) =>
    (await wikidata(fake(), { action: 'query', prop: 'info', titles: qid, formatversion: '2' })).json.query
      .pages[0].lastrevid as number;
  const newest = async (n: number) =>
    (
      await wikidata(fake(), {
        action: 'query',
        list: 'recentchanges',
        rcnamespace: '0',
        rcprop: 'title|ids|timestamp|loginfo|comment',
        rclimit: String(n),
        formatversion: '2',
      })
    ).json.query.recentchanges as Json[];

  it('serves the fixture feed newest first', async () => {
    const rows = (await newest(10)).map(({ comment: _, ...row }) => row);
    expect(rows).toEqual(fixture('recentchanges_wikidata.json').query.recentchanges);
  });

  it('bumpRevision shows in lastrevid, wbgetentities and the feed', async () => {
    const before = await lastrevid('Q1000003');
    const revid = fake().store.bumpRevision('Q1000003');
    expect(revid).toBeGreaterThan(before);
    expect(await lastrevid('Q1000003')).toBe(revid);
    const entity = await wikidata(fake(), { action: 'wbgetentities', ids: 'Q1000003', props: 'info' });
    expect(entity.json.entities.Q1000003.lastrevid).toBe(revid);
    const [row] = await newest(1);
    expect(row).toMatchObject({
      type: 'edit',
      title: 'Q1000003',
      revid,
      old_revid: before,
      timestamp: '2026-01-15T12:00:00Z',
    });
  });

  it('setStatementValue changes the value served', async () => {
    fake().store.setStatementValue('Q1000005', 'P856', 'https://changed.example.org/');
    const { json } = await wikidata(fake(), { action: 'wbgetentities', ids: 'Q1000005', props: 'claims' });
    const statements = json.entities.Q1000005.claims.P856;
    expect(statements).toHaveLength(1);
    expect(statements[0].mainsnak).toMatchObject({
      snaktype: 'value',
      datatype: 'url',
      datavalue: { value: 'https://changed.example.org/', type: 'string' },
    });
    fake().store.setStatementValue('Q1000005', 'P6949', '2024-02');
    const again = await wikidata(fake(), { action: 'wbgetentities', ids: 'Q1000005', props: 'claims' });
    expect(again.json.entities.Q1000005.claims.P6949[0].mainsnak.datavalue.value).toMatchObject({
      time: '+2024-02-00T00:00:00Z',
      precision: 10,
    });
  });

  it('mergeItem makes a redirect, recorded as two edits as on Wikidata', async () => {
    fake().store.mergeItem('Q1000010', 'Q1000011');
    const { json } = await wikidata(fake(), { action: 'wbgetentities', ids: 'Q1000010', props: 'info' });
    expect(json.entities.Q1000010.redirects).toEqual({ from: 'Q1000010', to: 'Q1000011' });
    const rows = await newest(2);
    expect(rows.map((r) => [r.type, r.title, r.comment])).toEqual([
      ['edit', 'Q1000010', '/* wbmergeitems-to:0||Q1000011 */'],
      ['edit', 'Q1000011', '/* wbmergeitems-from:0||Q1000010 */'],
    ]);
    const info = await wikidata(fake(), {
      action: 'query',
      prop: 'info',
      titles: 'Q1000010',
      redirects: '1',
      formatversion: '2',
    });
    expect(info.json.query.redirects).toEqual([{ from: 'Q1000010', to: 'Q1000011' }]);
  });

  it('deleteItem makes an item missing, with a delete log row', async () => {
    fake().store.deleteItem('Q1000012');
    const { json } = await wikidata(fake(), { action: 'wbgetentities', ids: 'Q1000012' });
    expect(json.entities.Q1000012).toEqual({ id: 'Q1000012', missing: '' });
    const [row] = await newest(1);
    expect(row).toMatchObject({
      type: 'log',
      title: 'Q1000012',
      logtype: 'delete',
      logaction: 'delete',
      logparams: {},
    });
  });

  it('movePage leaves a redirect and updates the sitelink; setPageItem relinks a page', async () => {
    const entity = generatedEntity(fake().seed, 20, { count: 50 });
    const from = entity.sitelinks?.enwiki?.title ?? 'missing';
    fake().store.movePage('en', from, `${from} (renamed)`);
    const page = await wikipedia(fake(), 'en', {
      action: 'query',
      prop: 'info|pageprops',
      redirects: '1',
      titles: from,
      formatversion: '2',
    });
    expect(page.json.query.redirects).toEqual([{ from, to: `${from} (renamed)` }]);
    expect(page.json.query.pages[0].pageprops.wikibase_item).toBe('Q1000020');
    const item = await wikidata(fake(), {
      action: 'wbgetentities',
      ids: 'Q1000020',
      props: 'sitelinks',
      sitefilter: 'enwiki',
    });
    expect(item.json.entities.Q1000020.sitelinks.enwiki.title).toBe(`${from} (renamed)`);
    fake().store.setPageItem('en', 'OpenAI', 'Q1000021');
    const relinked = await wikipedia(fake(), 'en', {
      action: 'query',
      prop: 'pageprops',
      titles: 'OpenAI',
      formatversion: '2',
    });
    expect(relinked.json.query.pages[0].pageprops.wikibase_item).toBe('Q1000021');
  });

  it('changeFraction bumps a deterministic share of the generated items', () => {
    const changed = fake().store.changeFraction(0.2, 7);
    expect(changed.length).toBeGreaterThan(2);
    expect(changed.length).toBeLessThan(25);
    expect(new Set(changed).size).toBe(changed.length);
  });

  it('is driven over HTTP too', async () => {
    const response = await request(`${fake().url}/__control/setStatementValue`, {
      method: 'POST',
      body: JSON.stringify({ qid: 'Q1000030', property: 'P856', value: 'https://via-http.example.org/' }),
    });
    expect(response.statusCode).toBe(200);
    expect(((await response.body.json()) as { revid: number }).revid).toBeGreaterThan(0);
    const bad = await request(`${fake().url}/__control/bumpRevision`, {
      method: 'POST',
      body: '{"qid":"Q42"}',
    });
    expect(bad.statusCode).toBe(400);
    expect(((await bad.body.json()) as Json).error.info).toBe('no item Q42');
    const unknown = await request(`${fake().url}/__control/explode`, { method: 'POST', body: '{}' });
    expect(unknown.statusCode).toBe(400);
    await unknown.body.dump();
  });
});

describe('the background change feed', () => {
  const fake = fakeFor({ entities: 100, recentChangesPerDay: 86_400 });

  it('pages through edits to items outside the local range with rccontinue', async () => {
    const params = {
      action: 'query',
      list: 'recentchanges',
      rcprop: 'title|ids|timestamp|sizes',
      rcdir: 'newer',
      rcstart: '2026-01-15T11:00:00Z',
      rcend: '2026-01-15T11:30:00Z',
      rclimit: '500',
      formatversion: '2',
    };
    const seen: Json[] = [];
    let cont: string | undefined;
    for (let page = 0; page < 10; page++) {
      const { json } = await wikidata(fake(), { ...params, ...(cont ? { rccontinue: cont } : {}) });
      seen.push(...json.query.recentchanges);
      cont = json.continue?.rccontinue;
      if (!cont) break;
      expect(json.continue.continue).toBe('-||');
      expect(cont).toMatch(/^\d{14}\|\d+$/);
    }
    expect(cont).toBeUndefined();
    expect(seen.length).toBeGreaterThanOrEqual(1799);
    expect(seen.length).toBeLessThanOrEqual(1801);
    expect(new Set(seen.map((c) => c.rcid)).size).toBe(seen.length);
    for (const change of seen) expect(Number(change.title.slice(1))).toBeGreaterThanOrEqual(900_000_000);
    const times = seen.map((c) => c.timestamp);
    expect([...times].sort()).toEqual(times);
    expect(seen[0]).toHaveProperty('newlen');
  });

  it('clamps rclimit to 500 with a warning', async () => {
    const { json } = await wikidata(fake(), {
      action: 'query',
      list: 'recentchanges',
      rclimit: '900',
      formatversion: '2',
    });
    expect(json.query.recentchanges).toHaveLength(500);
    expect(json.warnings.recentchanges.warnings).toMatch(/rclimit may not be over 500/);
  });
});

describe('generated entities and records', () => {
  it('hash snaks and references and name statements with the digits hex() and guid() draw', () => {
    const [built, expected] = [mulberry32(11), mulberry32(11)];
    const imported = snak('P143', 'wikibase-item', itemValue('Q328'), built);
    const made = statement('Q5', snak('P31', 'wikibase-item', itemValue('Q1'), built), built, {
      references: [[imported]],
    });
    const snakHash = hex(expected, 40);
    expect(imported.hash).toBe(snakHash);
    expect(made.mainsnak.hash).toBe(hex(expected, 40));
    expect(made.references?.[0]?.hash).toBe(hex(expected, 40));
    expect(made.id).toBe(`Q5$${guid(expected)}`);
    expect(made.id).toMatch(/^Q5\$[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('are deterministic and of realistic size', () => {
    expect(generatedEntity(3, 11)).toEqual(generatedEntity(3, 11));
    expect(generatedEntity(3, 11)).not.toEqual(generatedEntity(4, 11));
    const statements: number[] = [];
    const ranks = new Set<string>();
    const precisions = new Set<number>();
    let withEnwiki = 0;
    for (let i = 0; i < 200; i++) {
      const entity = generatedEntity(3, i);
      const all = Object.values(entity.claims ?? {}).flat();
      statements.push(all.length);
      for (const s of all) {
        ranks.add(s.rank);
        const value = s.mainsnak.datavalue?.value as { precision?: number } | undefined;
        if (s.mainsnak.datatype === 'time' && value?.precision) precisions.add(value.precision);
      }
      const languages = Object.keys(entity.labels ?? {}).length;
      expect(languages).toBeGreaterThanOrEqual(3);
      expect(languages).toBeLessThanOrEqual(8);
      if (entity.sitelinks?.enwiki) withEnwiki++;
    }
    expect(Math.min(...statements)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...statements)).toBeLessThanOrEqual(200);
    expect(Math.max(...statements)).toBeGreaterThan(120);
    expect([...ranks].sort()).toEqual(['deprecated', 'normal', 'preferred']);
    expect([...precisions].sort()).toEqual([10, 11, 9]);
    expect(withEnwiki).toBeGreaterThan(150);
  });

  it('make local records factsync reads cleanly, a fifth of them differing from the remote', () => {
    const config = testConfig();
    let differing = 0;
    for (let i = 0; i < 300; i++) {
      const record = generatedRecord(5, i, { count: 300 });
      const entity = generatedEntity(5, i, { count: 300 });
      expect(record.qid).toBe(entity.id);
      expect(record.label).toBe(entity.labels?.en?.value);
      const parsed = parseJsonlRecord(JSON.stringify(record), 'gen.jsonl', i + 1, config.fields);
      expect(parsed.ok ? parsed.warnings : parsed.error).toEqual([]);
      const difference = generatedDifference(5, i, { count: 300 });
      if (difference) differing++;
      const website = entity.claims?.P856?.find((s) => s.rank !== 'deprecated')?.mainsnak.datavalue?.value;
      if (difference === 'missing-website') expect(record.facts.website).toBeUndefined();
      else expect(record.facts.website).toBe(website);
    }
    expect(differing).toBeGreaterThan(30);
    expect(differing).toBeLessThan(90);
  });
});

describe('faults', () => {
  const fake = fakeFor({ entities: 5, seed: 9 });
  const ask = (params: Params = {}) =>
    wikidata(fake(), { action: 'wbgetentities', ids: 'Q1000001', props: 'info', maxlag: '5', ...params });

  it('serves normally with no faults', async () => {
    fake().setFaults({});
    expect((await ask()).status).toBe(200);
  });

  it('5xx errors (never 503)', async () => {
    fake().setFaults({ errorRate: 1 });
    const statuses = new Set<number>();
    for (let i = 0; i < 15; i++) statuses.add((await ask()).status);
    for (const status of statuses) expect([500, 502, 504]).toContain(status);
    expect(statuses.size).toBeGreaterThan(1);
  });

  it('503 and 429 carry Retry-After; maxlag is HTTP 200 with its headers and the real body', async () => {
    fake().setFaults({ unavailableRate: 1, retryAfterSeconds: 0 });
    const unavailable = await ask();
    expect([unavailable.status, unavailable.headers['retry-after']]).toEqual([503, '0']);
    fake().setFaults({ throttleRate: 1, retryAfterSeconds: 0 });
    const throttled = await ask();
    expect([throttled.status, throttled.headers['retry-after']]).toEqual([429, '0']);
    fake().setFaults({ maxlagRate: 1, retryAfterSeconds: 0 });
    const lagged = await ask();
    expect(lagged.status).toBe(200);
    expect(lagged.headers['retry-after']).toBe('0');
    expect(lagged.headers['x-database-lag']).toBe('6');
    expect(lagged.headers['mediawiki-api-error']).toBe('maxlag');
    const real = fixture('maxlag_error.json');
    expect(Object.keys(lagged.json.error)).toEqual(Object.keys(real.error));
    expect(lagged.json.error).toMatchObject({
      code: 'maxlag',
      host: 'all',
      lag: 6.2,
      type: 'wikibase-queryservice',
    });
    const noMaxlag = await wikidata(fake(), { action: 'wbgetentities', ids: 'Q1000001', props: 'info' });
    expect(noMaxlag.json.entities).toBeDefined();
  });

  it('counts requests that come back before the announced Retry-After', async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    fake().resetStats();
    fake().setFaults({ throttleRate: 1, retryAfterSeconds: 1 });
    await ask(); // 429, Retry-After: 1
    fake().setFaults({});
    await ask({ ids: 'Q1000002' }); // another request at once: it was already on its way, not early
    await ask(); // the refused request again at once: early
    await sleep(300);
    await ask({ ids: 'Q1000003' }); // sent after the client could have read Retry-After: early
    await sleep(800);
    await ask(); // after Retry-After: fine
    expect(fake().stats().earlyRequests).toBe(2);
    expect(
      fake()
        .requests()
        .map((r) => r.early),
    ).toEqual([false, false, true, true, false]);
  });

  it('timeouts hold the request unanswered', async () => {
    fake().setFaults({ timeoutRate: 1, timeoutMs: 60_000 });
    const started = Date.now();
    await expect(
      request(`${fake().url}/w/api.php?action=wbgetentities&ids=Q1000001&format=json`, {
        headersTimeout: 300,
      }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    fake().setFaults({ timeoutRate: 1, timeoutMs: 100 });
    await expect(
      request(`${fake().url}/w/api.php?action=wbgetentities&ids=Q1000001&format=json`),
    ).rejects.toThrow();
    expect(fake().stats().byStatus.none).toBeGreaterThanOrEqual(2);
  });

  it('truncated bodies are really cut: a valid head and content-length, then half the bytes', async () => {
    fake().setFaults({ truncateRate: 1 });
    const { status, declared, received } = await new Promise<{
      status: number;
      declared: number;
      received: number;
    }>((resolve, reject) => {
      const req = http.get(`${fake().url}/w/api.php?action=wbgetentities&ids=Q1000001&format=json`, (res) => {
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
        });
        const done = () =>
          resolve({ status: res.statusCode ?? 0, declared: Number(res.headers['content-length']), received });
        res.on('aborted', done);
        res.on('error', done);
        res.on('close', done);
      });
      req.on('error', reject);
    });
    expect(status).toBe(200);
    expect(received).toBeGreaterThan(0);
    expect(received).toBe(Math.floor(declared / 2));
    fake().setFaults({});
  });

  it('adds the configured latency', async () => {
    const slow = await startFakeWikimedia({ latencyMs: 150, fixturesDir: null });
    try {
      const started = performance.now();
      const { json } = await api(slow, '/w/api.php', { action: 'wbgetentities', ids: 'Q1' });
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      expect(json.entities.Q1).toEqual({ id: 'Q1', missing: '' });
    } finally {
      await slow.close();
    }
  });

  it('draws the same faults for the same seed', async () => {
    const statuses = async (): Promise<number[]> => {
      const other = await startFakeWikimedia({ seed: 77, faults: 'error=0.5', fixturesDir: null });
      try {
        const out: number[] = [];
        for (let i = 0; i < 12; i++)
          out.push((await api(other, '/w/api.php', { action: 'wbgetentities', ids: 'Q1' })).status);
        return out;
      } finally {
        await other.close();
      }
    };
    const first = await statuses();
    expect(await statuses()).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });
});

describe('gzip, stats and the request log', () => {
  const fake = fakeFor({ entities: 5 });

  it('gzips when asked, and sets the JSON content type always', async () => {
    const params = { action: 'wbgetentities', ids: 'Q124544998' };
    const zipped = await wikidata(fake(), params, { headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toBe('application/json; charset=utf-8');
    const plain = await wikidata(fake(), params);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.json).toEqual(plain.json);
    const missing = await request(`${fake().url}/nowhere`);
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toBe('application/json; charset=utf-8');
    await missing.body.dump();
  });

  it('counts by endpoint and status, and logs user agent and authorization', async () => {
    fake().resetStats();
    await wikidata(
      fake(),
      { action: 'wbgetentities', ids: 'Q1000001|Q1000002' },
      { headers: { authorization: 'Bearer t0ken' } },
    );
    await wikidata(fake(), { action: 'query', prop: 'info', titles: 'Q1000001|Q1000002|Q1000003' });
    await wikidata(fake(), { action: 'query', list: 'recentchanges', formatversion: '2' });
    await wikipedia(fake(), 'de', { action: 'query', prop: 'info', titles: 'Berlin' });
    await wikipedia(fake(), 'de', { action: 'query', list: 'recentchanges', formatversion: '2' });
    const stats = fake().stats();
    expect(stats.requests).toBe(5);
    expect(stats.byStatus).toEqual({ 200: 5 });
    expect(Object.fromEntries(Object.entries(stats.byEndpoint).map(([k, v]) => [k, v.requests]))).toEqual({
      wbgetentities: 1,
      'query-info-wikidata': 1,
      'query-revisions': 0,
      recentchanges: 1,
      'query-pages-wikipedia': 1,
      'recentchanges-wikipedia': 1,
      other: 0,
    });
    expect(stats.bytes).toBeGreaterThan(0);
    expect(stats.idsRequested).toBe(2);
    expect(stats.titlesRequested).toBe(4);
    const [first] = fake().requests();
    expect(first).toMatchObject({
      userAgent: UA,
      authorization: 'Bearer t0ken',
      status: 200,
      method: 'GET',
      path: '/w/api.php',
    });
    expect(first?.params).toMatchObject({ action: 'wbgetentities', ids: 'Q1000001|Q1000002' });
    const overHttp = await request(`${fake().url}/__stats`);
    expect(((await overHttp.body.json()) as { requests: number }).requests).toBe(5);
    fake().resetStats();
    expect(fake().stats().requests).toBe(0);
  });
});

describe('parseFaultSpec and the CLI flags', () => {
  it('parses the --faults form', () => {
    expect(
      parseFaultSpec('error=0.1,timeout=0.05,maxlag=0.02,429=0.02,503=0.01,truncate=0.01,retryAfter=1'),
    ).toEqual({
      errorRate: 0.1,
      timeoutRate: 0.05,
      maxlagRate: 0.02,
      throttleRate: 0.02,
      unavailableRate: 0.01,
      truncateRate: 0.01,
      retryAfterSeconds: 1,
    });
    expect(parseFaultSpec('')).toEqual({});
  });

  it('names what is wrong', () => {
    expect(() => parseFaultSpec('eror=0.1')).toThrow(/unknown fault key "eror"/);
    expect(() => parseFaultSpec('error=lots')).toThrow(/fault "error": "lots" is not a number/);
    expect(() => parseFaultSpec('error')).toThrow(/expected KEY=VALUE/);
    expect(() => parseFaultSpec('error=1.5')).toThrow(/errorRate must be a number from 0 to 1/);
    expect(() => parseFaultSpec('error=0.7,timeout=0.7')).toThrow(/add up to 1.4/);
  });

  it('turns bad flags into a FlagError naming the flag', () => {
    expect(fakeWikimediaOptions({ port: '0', entities: '1000', faults: 'maxlag=0.1' })).toEqual({
      port: 0,
      entities: 1000,
      faults: { maxlagRate: 0.1 },
    });
    for (const [flags, name] of [
      [{ port: '70000' }, '--port'],
      [{ entities: '-3' }, '--entities'],
      [{ latency: 'slow' }, '--latency'],
      [{ faults: 'bogus=1' }, '--faults'],
      [{ fixtures: '/no/such/folder' }, '--fixtures'],
    ] as const) {
      expect(() => fakeWikimediaOptions(flags)).toThrow(FlagError);
      expect(() => fakeWikimediaOptions(flags)).toThrow(name);
    }
  });

  it('closes cleanly with a request still held', async () => {
    const fake = await startFakeWikimedia({ faults: { timeoutRate: 1 }, fixturesDir: null });
    const pending = request(`${fake.url}/w/api.php?action=query&titles=Q1&format=json`).catch(
      (error: Error) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await fake.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});
