// The Wikidata and Wikipedia sources over real HTTP against the fake Wikimedia, with a real Redis.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWikimedia, startFakeWikimedia } from '../../dev/fake-wikimedia/src/index.js';
import type { FieldSpec } from '../../src/model/fields.js';
import type { ItemId } from '../../src/model/ids.js';
import type { RemoteItem } from '../../src/model/remote.js';
import type { HttpClient } from '../../src/sources/http.js';
import { redisLabelCache } from '../../src/sources/label-cache.js';
import { WikidataSource } from '../../src/sources/wikidata.js';
import { WikipediaSource } from '../../src/sources/wikipedia.js';
import { testConfig } from '../support/config.js';
import { TEST_USER_AGENT, testHttpClient } from '../support/http-client.js';
import { connectRedis, dropPrefix, testPrefix } from '../support/redis.js';

const { fields, languages } = testConfig();
const redis = connectRedis();
const prefix = testPrefix('sources');
let fake: FakeWikimedia;
let http: HttpClient;
let wikidata: WikidataSource;
let wikipedia: WikipediaSource;

const generated = (n: number, from = 0): ItemId[] =>
  Array.from({ length: n }, (_, i) => `Q${1_000_000 + from + i}` as ItemId);
const wbgetentities = () => fake.requests().filter((r) => r.endpoint === 'wbgetentities');

beforeAll(async () => {
  fake = await startFakeWikimedia({ entities: 500, seed: 7 });
  http = testHttpClient(redis, prefix);
  wikidata = new WikidataSource({
    http,
    url: fake.wikidataUrl,
    languages,
    fields,
    labelCache: redisLabelCache(redis, prefix, 60, fake.wikidataUrl),
  });
  wikipedia = new WikipediaSource({ http, url: fake.wikipediaUrl });
});
afterAll(async () => {
  await http.close();
  await fake.close();
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

describe('Wikidata items', () => {
  it('are fetched in batches of 50: 101 ids make 3 requests', async () => {
    fake.resetStats();
    const before = wbgetentities().length;
    const result = await wikidata.fetchItems(generated(101));
    expect(result.found.size).toBe(101);
    expect(result.failures).toEqual([]);
    const requests = wbgetentities().slice(before);
    expect(requests.map((r) => r.params.ids?.split('|').length)).toEqual([50, 50, 1]);
  });

  it('ask only for the props, languages (and mul, where 2026 names live) and sites the fields need', async () => {
    const narrow: FieldSpec[] = fields.filter((f) => f.name === 'announced');
    const source = new WikidataSource({ http, url: fake.wikidataUrl, languages: ['en'], fields: narrow });
    await source.fetchItems(['Q124544998']);
    expect(wbgetentities().at(-1)?.params).toMatchObject({
      props: 'info|claims',
      languages: 'en|mul',
      maxlag: '5',
    });
    // No languagefallback: it would list other languages' terms under the ones asked for.
    expect(wbgetentities().at(-1)?.params.languagefallback).toBeUndefined();
    await wikidata.fetchItems(['Q124544998'], ['enwiki']);
    const full = wbgetentities().at(-1)?.params;
    expect(full?.props?.split('|').sort()).toEqual([
      'aliases',
      'claims',
      'descriptions',
      'info',
      'labels',
      'sitelinks/urls',
    ]);
    expect(full?.sitefilter).toBe('enwiki');
  });

  it('keep ranks, qualifiers and time precision from the real response shapes', async () => {
    const { found } = await wikidata.fetchItems(['Q124544998'], ['enwiki']);
    const sora = found.get('Q124544998') as RemoteItem;
    expect(sora.kind).toBe('item');
    expect(sora.statements.P31?.map((s) => s.rank)).toContain('deprecated');
    expect(sora.statements.P571?.[0]?.value).toMatchObject({ type: 'time', precision: 10 });
    expect(sora.statements.P138?.[0]?.snaktype).toBe('somevalue');
    expect(sora.sitelinks.enwiki?.title).toBe('Sora (text-to-video model)');
  });

  it('report missing and merged items, keyed by the ids asked for', async () => {
    const { found } = await wikidata.fetchItems(['Q999999901', 'Q120281745']);
    expect(found.get('Q999999901')).toEqual({ kind: 'missing', requested: 'Q999999901' });
    expect(found.get('Q120281745')).toMatchObject({
      kind: 'item',
      id: 'Q124544998',
      redirectedFrom: 'Q120281745',
    });
  });

  it('keep an invalid id out of the batch, so it cannot fail the others', async () => {
    const before = wbgetentities().length;
    const result = await wikidata.fetchItems(['Q124544998', 'q124544998', 'Sora']);
    expect(result.found.get('Q124544998')?.kind).toBe('item');
    expect(result.rejected.map((r) => r.id)).toEqual(['q124544998', 'Sora']);
    expect(
      wbgetentities()
        .slice(before)
        .map((r) => r.params.ids),
    ).toEqual(['Q124544998']);
  });

  it('check revisions without fetching content', async () => {
    const result = await wikidata.revisions(['Q124544998', 'Q120281745', 'Q999999901', ...generated(3)]);
    expect(result.found.get('Q124544998')?.lastrevid).toBeGreaterThan(0);
    expect(result.found.get('Q120281745')).toMatchObject({ id: 'Q124544998', redirectedFrom: 'Q120281745' });
    expect(result.found.get('Q999999901')?.missing).toBe(true);
    expect(fake.requests().at(-1)).toMatchObject({ endpoint: 'query-info-wikidata' });
  });

  it('see a new revision after an edit', async () => {
    const [id] = generated(1, 400) as [ItemId];
    const before = (await wikidata.revisions([id])).found.get(id)?.lastrevid ?? 0;
    fake.store.bumpRevision(id);
    expect((await wikidata.revisions([id])).found.get(id)?.lastrevid).toBeGreaterThan(before);
  });
});

describe('labels of referenced items', () => {
  it('are fetched once, then served from the Redis cache', async () => {
    const ids: ItemId[] = ['Q21708200', 'Q136505399'];
    const before = wbgetentities().length;
    const first = await wikidata.labels(ids);
    expect(first.found.get('Q21708200')?.labels.en).toBe('OpenAI');
    expect(first.found.get('Q136505399')?.aliases.en).toContain('Sora 2.0');
    expect(wbgetentities().length - before).toBe(1);
    const second = await wikidata.labels(ids);
    expect(second.found.get('Q136505399')?.labels.en).toBe('Sora 2');
    expect(wbgetentities().length - before).toBe(1);
  });
});

describe('Wikipedia pages', () => {
  it('resolve normalised titles, moved pages, missing pages and the page item', async () => {
    const { found } = await wikipedia.fetchPages('en', [
      'Sora_(text-to-video_model)',
      'Sora (OpenAI)',
      'DALL-E',
      'No such page xyz',
    ]);
    expect(found.get('Sora_(text-to-video_model)')).toMatchObject({
      title: 'Sora (text-to-video model)',
      wikibaseItem: 'Q124544998',
      missing: false,
    });
    expect(found.get('Sora (OpenAI)')).toMatchObject({
      title: 'Sora (text-to-video model)',
      redirectedFrom: 'Sora (OpenAI)',
    });
    expect(found.get('DALL-E')).toMatchObject({ title: 'DALL·E', wikibaseItem: 'Q116219183' });
    expect(found.get('No such page xyz')?.missing).toBe(true);
  });

  it('refuse titles and languages that could change the request host or path', async () => {
    const result = await wikipedia.fetchPages('en', ['../../w/api.php?action=delete', 'A|B', 'Fine#Section']);
    expect(result.rejected.map((r) => r.id)).toEqual([
      '../../w/api.php?action=delete',
      'A|B',
      'Fine#Section',
    ]);
    const evil = await wikipedia.fetchPages('evil.example/x', ['Sora']);
    expect(evil.rejected).toHaveLength(1);
    const sent = fake.requests().map((r) => `${r.path} ${r.params.titles ?? ''}`);
    for (const bad of ['api.php?action', 'A|B', 'Fine#', 'evil.example'])
      expect(sent.some((s) => s.includes(bad))).toBe(false);
  });

  it('follow a page moved on the fake', async () => {
    const [id] = generated(1, 450) as [ItemId];
    const item = (await wikidata.fetchItems([id], ['enwiki'])).found.get(id) as RemoteItem;
    const title = item.sitelinks.enwiki?.title as string;
    fake.store.movePage('en', title, `${title} (renamed)`);
    const { found } = await wikipedia.fetchPages('en', [title]);
    expect(found.get(title)).toMatchObject({
      title: `${title} (renamed)`,
      redirectedFrom: title,
      wikibaseItem: id,
    });
  });
});

describe('manners', () => {
  it('every request carries the User-Agent and maxlag=5', () => {
    const requests = fake.requests().filter((r) => r.path.endsWith('api.php'));
    expect(requests.length).toBeGreaterThan(5);
    for (const request of requests) {
      expect(request.userAgent).toBe(`${TEST_USER_AGENT} undici/7.30.2`);
      expect(request.params.maxlag).toBe('5');
    }
  });

  it('maxlag errors, 429s and 503s are waited out: every item arrives, nothing early, nothing failed', async () => {
    fake.setFaults({ maxlagRate: 0.3, throttleRate: 0.1, unavailableRate: 0.1, retryAfterSeconds: 1 });
    fake.resetStats();
    try {
      const result = await wikidata.fetchItems(generated(200, 200));
      expect(result.failures).toEqual([]);
      expect(result.found.size).toBe(200);
      const stats = fake.stats();
      expect(stats.faults.maxlag + stats.faults.throttle + stats.faults.unavailable).toBeGreaterThan(0);
      expect(stats.earlyRequests).toBe(0);
    } finally {
      fake.setFaults({});
    }
  }, 60_000);

  it('a batch that keeps failing fails alone, with a typed error naming it', async () => {
    fake.setFaults({ errorRate: 1 });
    try {
      const result = await wikidata.fetchItems(generated(2, 100));
      expect(result.found.size).toBe(0);
      expect(result.failures).toHaveLength(1);
      expect(result.failures[0]?.error).toMatchObject({ code: 'HTTP_STATUS', endpoint: 'wbgetentities' });
      expect(result.failures[0]?.ids).toEqual(generated(2, 100));
    } finally {
      fake.setFaults({});
    }
  });
});
