// The fake Wikimedia serving test/fixtures/wikimedia-captures (real captures of 2018–2026 shapes and
// the `invented_*` files that stand in where no capture exists; provenance in that folder's
// README.md), over real HTTP on loopback: `mul` terms and languagefallback as Wikibase builds them,
// redirects to a section with `tofragment`, qualifiers served as captured, a captured revision history
// answered by revid, and every capture loaded.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWikimedia, startFakeWikimedia } from '../../src/index.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests walk arbitrary response JSON.
type Json = any;
type Params = Record<string, string>;

const CAPTURES = new URL('../../../../test/fixtures/wikimedia-captures/', import.meta.url);
const capturedText = (name: string) => readFileSync(new URL(name, CAPTURES), 'utf8');
const captured = (name: string): Json => JSON.parse(capturedText(name));
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

async function api(fake: FakeWikimedia, path: string, params: Params): Promise<{ json: Json; text: string }> {
  const query = new URLSearchParams({ format: 'json', ...params }).toString();
  const response = await request(`${fake.url}${path}?${query}`, {
    headers: { 'user-agent': 'factsync-test/1.0 (test@example.org)' },
  });
  const raw = Buffer.from(await response.body.arrayBuffer());
  const text =
    response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  expect(response.statusCode).toBe(200);
  return { json: JSON.parse(text), text };
}

const wikidata = (fake: FakeWikimedia, params: Params) => api(fake, '/w/api.php', params);
const enwiki = (fake: FakeWikimedia, params: Params) => api(fake, '/wikipedia/en/w/api.php', params);

async function control(fake: FakeWikimedia, action: string, args: Record<string, unknown>): Promise<Json> {
  const response = await request(`${fake.url}/__control/${action}`, {
    method: 'POST',
    body: JSON.stringify(args),
  });
  const body = (await response.body.json()) as Json;
  expect(response.statusCode, JSON.stringify(body)).toBe(200);
  return body;
}

/** What factsync sends for a record's article (src/sources/wikipedia.ts). */
const PAGE_CHECK = {
  action: 'query',
  prop: 'info|pageprops',
  ppprop: 'wikibase_item|disambiguation',
  redirects: '1',
  formatversion: '2',
};

describe('the fake over the captures', () => {
  let current: FakeWikimedia | undefined;
  beforeAll(async () => {
    current = await startFakeWikimedia({ fixturesDir: new URL(CAPTURES).pathname, clock: () => NOW });
  });
  afterAll(async () => {
    await current?.close();
  });
  const fake = () => {
    if (!current) throw new Error('fake not started');
    return current;
  };

  describe('terms in `mul` and languagefallback', () => {
    it('answers languages=en|mul with the name under mul only, byte for byte as the invented capture', async () => {
      const { text } = await wikidata(fake(), {
        action: 'wbgetentities',
        ids: 'Q42',
        props: 'info|labels|descriptions|aliases',
        languages: 'en|mul',
      });
      expect(text).toBe(capturedText('invented_wbgetentities_Q42_mul_only.json'));
    });

    it('substitutes as Wikibase does: own terms first, then {value, language, for-language}', async () => {
      const { text, json } = await wikidata(fake(), {
        action: 'wbgetentities',
        ids: 'Q42',
        props: 'info|labels|descriptions|aliases',
        languages: 'en|mul',
        languagefallback: '1',
      });
      expect(text).toBe(capturedText('invented_wbgetentities_Q42_languagefallback_en_mul.json'));
      // en falls back to mul; a mul description (Wikidata allows none) falls back to en.
      expect(json.entities.Q42.labels.en).toEqual({
        value: 'Douglas Adams',
        language: 'mul',
        'for-language': 'en',
      });
      expect(json.entities.Q42.descriptions.mul.language).toBe('en');
    });

    it('gives aliases no fallback: an item with mul aliases only has none for en', async () => {
      const { json } = await wikidata(fake(), {
        action: 'wbgetentities',
        ids: 'Q42',
        props: 'aliases',
        languages: 'en',
        languagefallback: '1',
      });
      expect(json.entities.Q42.aliases).toEqual({});
    });

    it('follows a language’s own fallbacks before mul and en (de-formal → de)', async () => {
      const { json } = await wikidata(fake(), {
        action: 'wbgetentities',
        ids: 'Q1040',
        props: 'labels',
        languages: 'de-formal|mul',
        languagefallback: '1',
      });
      expect(json.entities.Q1040.labels).toEqual({
        'de-formal': { value: 'Karlsruhe', language: 'de', 'for-language': 'de-formal' },
        mul: { value: 'Karlsruhe', language: 'en', 'for-language': 'mul' },
      });
    });
  });

  describe('redirects to a section', () => {
    it('serves a captured fragment redirect back with its tofragment', async () => {
      const { json } = await enwiki(fake(), { ...PAGE_CHECK, titles: 'Nikola Tesla (Sanctuary)' });
      expect(json.query.redirects).toEqual([
        { from: 'Nikola Tesla (Sanctuary)', to: 'Characters of Sanctuary', tofragment: 'Nikola Tesla' },
      ]);
      expect(json.query.pages).toHaveLength(1);
      const [page] = json.query.pages;
      expect(page).toMatchObject({ pageid: 19599678, title: 'Characters of Sanctuary' });
      // The capture has no revision facts for the page; the fake still answers prop=info whole.
      for (const key of ['lastrevid', 'length']) expect(Number.isInteger(page[key])).toBe(true);
      expect(page.touched).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it('answers the page check factsync sends byte for byte as the invented capture', async () => {
      const { text } = await enwiki(fake(), { ...PAGE_CHECK, titles: 'Stellar_astronomy' });
      expect(text).toBe(capturedText('invented_enwiki_query_redirect_tofragment_pageprops.json'));
    });

    it('turns a page into a redirect to a section through the control API, recorded as an edit', async () => {
      const { page } = await control(fake(), 'redirectPage', {
        lang: 'en',
        from: 'Nikola Tesla Museum',
        to: 'Nikola Tesla',
        fragment: 'Legacy',
      });
      expect(page).toMatchObject({ title: 'Nikola Tesla Museum', redirectTo: 'Nikola Tesla' });
      const { json } = await enwiki(fake(), { ...PAGE_CHECK, titles: 'Nikola Tesla Museum' });
      expect(json.query.redirects).toEqual([
        { from: 'Nikola Tesla Museum', to: 'Nikola Tesla', tofragment: 'Legacy' },
      ]);
      expect(json.query.pages.map((p: Json) => p.title)).toEqual(['Nikola Tesla']);
      const feed = await enwiki(fake(), {
        action: 'query',
        list: 'recentchanges',
        rcprop: 'title|ids|timestamp|comment',
        formatversion: '2',
      });
      const [row] = feed.json.query.recentchanges;
      expect(row).toMatchObject({
        type: 'edit',
        title: 'Nikola Tesla Museum',
        pageid: 4966622,
        revid: page.lastrevid,
        comment: 'Redirected page to [[Nikola Tesla#Legacy]]',
      });
    });

    it('refuses a section redirect to nowhere with an error naming what is wrong', async () => {
      const response = await request(`${fake().url}/__control/redirectPage`, {
        method: 'POST',
        body: JSON.stringify({ lang: 'en', from: 'No such page xyz', to: 'Nikola Tesla' }),
      });
      const body = (await response.body.json()) as Json;
      expect(response.statusCode).toBe(400);
      expect(body.error.info).toBe('no page "No such page xyz" on the en Wikipedia');
    });
  });

  describe('qualifiers', () => {
    it('serves a captured item’s statements with their qualifiers as captured', async () => {
      const { json } = await wikidata(fake(), {
        action: 'wbgetentities',
        ids: 'Q137429456',
        props: 'info|labels|descriptions|aliases|claims|sitelinks/urls',
      });
      const file = captured('nomenklatura_wbgetentities_Q137429456.json');
      expect(json.entities.Q137429456.claims).toEqual(file.entities.Q137429456.claims);
      expect(json.entities.Q137429456.claims.P279[0].qualifiers.P518).toHaveLength(2);
    });

    it('keeps ended (P582) and current (P580, preferred) values of one property apart', async () => {
      const { json } = await wikidata(fake(), { action: 'wbgetentities', ids: 'Q32063953', props: 'claims' });
      const file = captured('wdtk_wbgetentities-Q32063953.json');
      expect(json.entities.Q32063953.id).toBe('Q1040');
      expect(json.entities.Q32063953.claims).toEqual(file.entities.Q32063953.claims);
      const mayors = json.entities.Q32063953.claims.P6 as Json[];
      expect(mayors.filter((s) => s.qualifiers.P582 === undefined).map((s) => s.rank)).toEqual(['preferred']);
    });
  });

  describe('loading', () => {
    it('takes every capture that is an API answer and lists the one that is not', () => {
      const { files, skipped } = fake().fixtures;
      expect(skipped).toEqual([
        {
          file: 'wakonda_Q184605_app_output_with_P577_statements.json',
          reason: 'neither entities nor a query response',
        },
      ]);
      expect(files).toHaveLength(10);
      expect(files).toContain('wikiprov_query_revisions_Q12345.json');
    });

    it('takes the revision history as Wikidata’s, not as a Wikipedia page named Q12345', async () => {
      const { json } = await enwiki(fake(), {
        action: 'query',
        prop: 'info',
        titles: 'Q12345',
        formatversion: '2',
      });
      expect(json.query.pages).toEqual([expect.objectContaining({ title: 'Q12345', missing: true })]);
    });

    it('answers prop=revisions&revids from the captured revision history of Q12345', async () => {
      const { json } = await wikidata(fake(), {
        action: 'query',
        prop: 'revisions',
        revids: '1419073806',
        rvprop: 'ids|timestamp|comment',
        formatversion: '2',
        maxlag: '5',
      });
      expect(json).toEqual({
        batchcomplete: true,
        query: {
          pages: [
            {
              pageid: 13925,
              ns: 0,
              title: 'Q12345',
              revisions: [
                {
                  revid: 1419073806,
                  parentid: 1419073622,
                  timestamp: '2021-05-11T16:53:18Z',
                  comment: '/* wbsetclaim-create:2||1 */ [[Property:P97]]: [[Q3519259]]',
                },
              ],
            },
          ],
        },
      });
    });

    it('serves the captured revisions as captured under formatversion=1, in revid order', async () => {
      const file = captured('wikiprov_query_revisions_Q12345.json');
      const revisions = file.query.pages['13925'].revisions as Json[];
      const { json, text } = await wikidata(fake(), {
        action: 'query',
        prop: 'revisions',
        revids: revisions.map((r) => r.revid).join('|'),
        rvprop: 'ids|timestamp|comment|user',
      });
      const served = json.query.pages['13925'].revisions as Json[];
      expect(served).toEqual([...revisions].reverse());
      expect(Object.keys(served[0])).toEqual(['revid', 'parentid', 'user', 'timestamp', 'comment']);
      // PHP's json_encode escapes, as the capture does: "\u0413\u0440\u0430\u0444 \u0417\u043d…".
      expect(text).toContain('\\u0413\\u0440\\u0430\\u0444 \\u0417\\u043d\\u0430\\u043a');
    });

    it('answers the revision check for captured items and the merged id', async () => {
      const { json } = await wikidata(fake(), {
        action: 'query',
        prop: 'info',
        titles: 'Q137429456|Q32063953|Q42',
        redirects: '1',
        formatversion: '2',
      });
      expect(json.query.redirects).toEqual([{ from: 'Q32063953', to: 'Q1040' }]);
      const revisions = Object.fromEntries(json.query.pages.map((p: Json) => [p.title, p.lastrevid]));
      expect(revisions).toEqual({ Q42: 2516783698, Q1040: 619336121, Q137429456: 2480911643 });
    });
  });
});
