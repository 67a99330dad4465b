// The fake Wikidata's revision history over real HTTP on loopback: the request factsync's cooling-off
// guard sends (`prop=revisions&revids=…&rvprop=ids|timestamp|comment`) answered as MediaWiki's
// ApiQueryRevisions answers it, for edits made through the store and for an item's revision from
// before them; unknown revids, too many revids, revids beside titles, rvprop subsets, formatversion 1
// and 2, and the fake's stats and maxlag fault on this endpoint.

import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWikimedia, startFakeWikimedia } from '../../src/index.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests walk arbitrary response JSON.
type Json = any;
type Params = Record<string, string>;

const NOW = Date.UTC(2026, 11, 2, 10, 0, 0);
const EDITED_AT = '2026-12-02T10:00:00Z';

async function wikidata(
  fake: FakeWikimedia,
  params: Params,
): Promise<{ json: Json; text: string; headers: Record<string, unknown> }> {
  const query = new URLSearchParams({ format: 'json', ...params }).toString();
  const response = await request(`${fake.url}/w/api.php?${query}`, {
    headers: { 'user-agent': 'factsync-test/1.0 (test@example.org)' },
  });
  const raw = Buffer.from(await response.body.arrayBuffer());
  const text =
    response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  expect(response.statusCode).toBe(200);
  return { json: JSON.parse(text), text, headers: response.headers };
}

/** What factsync sends (the cooling-off guard), for the given revids. */
const revisionsOf = (revids: readonly number[], extra: Params = {}): Params => ({
  action: 'query',
  prop: 'revisions',
  revids: revids.join('|'),
  rvprop: 'ids|timestamp|comment',
  formatversion: '2',
  maxlag: '5',
  ...extra,
});

describe('prop=revisions&revids on the fake Wikidata', () => {
  let current: FakeWikimedia | undefined;
  beforeAll(async () => {
    current = await startFakeWikimedia({ entities: 20, fixturesDir: null, clock: () => NOW });
  });
  afterAll(async () => {
    await current?.close();
  });
  const fake = () => {
    if (!current) throw new Error('fake not started');
    return current;
  };
  const infoOf = async (qid: string) =>
    (await wikidata(fake(), { action: 'wbgetentities', ids: qid, props: 'info' })).json.entities[qid];

  it('answers an edit made through the store and the item’s revision before it (formatversion=2)', async () => {
    const before = await infoOf('Q1000003');
    const revid = fake().store.setStatementValue('Q1000003', 'P856', 'https://example.org/new-site');
    const { json, text } = await wikidata(fake(), revisionsOf([revid, before.lastrevid]));
    const [page] = json.query.pages;
    const [base, edit] = page.revisions;
    expect(json.batchcomplete).toBe(true);
    expect(json.query.pages).toHaveLength(1);
    expect(page).toEqual({
      pageid: before.pageid,
      ns: 0,
      title: 'Q1000003',
      revisions: [
        {
          revid: before.lastrevid,
          parentid: base.parentid,
          timestamp: before.modified,
          comment: '/* wbeditentity-update:0| */',
        },
        {
          revid,
          parentid: before.lastrevid,
          timestamp: EDITED_AT,
          comment: '/* wbsetclaim-update:2||1 */ [[Property:P856]]: https://example.org/new-site',
        },
      ],
    });
    expect(Object.keys(edit)).toEqual(['revid', 'parentid', 'timestamp', 'comment']);
    expect(base.parentid).toBeLessThan(before.lastrevid);
    expect(text.startsWith('{"batchcomplete":true,"query":{"pages":[{"pageid":')).toBe(true);

    // Walking back past the base revision reaches a revision the fake does not know.
    const older = await wikidata(fake(), revisionsOf([base.parentid]));
    expect(older.json.query).toEqual({
      badrevids: { [base.parentid]: { revid: base.parentid, missing: true } },
    });
  });

  it('answers formatversion=1 with pages keyed by page id and batchcomplete ""', async () => {
    const before = await infoOf('Q1000004');
    const revid = fake().store.setStatementValue('Q1000004', 'P569', '1956-01-21');
    const { json } = await wikidata(fake(), revisionsOf([before.lastrevid, revid], { formatversion: '1' }));
    expect(json.batchcomplete).toBe('');
    expect(Object.keys(json.query.pages)).toEqual([String(before.pageid)]);
    const page = json.query.pages[String(before.pageid)];
    expect(page.title).toBe('Q1000004');
    expect(page.revisions.map((r: Json) => [r.revid, r.comment])).toEqual([
      [before.lastrevid, '/* wbeditentity-update:0| */'],
      [revid, '/* wbsetclaim-update:2||1 */ [[Property:P569]]: 21 January 1956'],
    ]);
  });

  it('names an item value as [[Q…]] and escapes non-ASCII summaries under formatversion=1', async () => {
    const item = fake().store.setStatementValue('Q1000005', 'P50', 'Q850');
    const text = fake().store.setStatementValue('Q1000005', 'P1476', 'Graf Zähl');
    const fv2 = await wikidata(fake(), revisionsOf([item, text]));
    expect(fv2.json.query.pages[0].revisions.map((r: Json) => r.comment)).toEqual([
      '/* wbsetclaim-update:2||1 */ [[Property:P50]]: [[Q850]]',
      '/* wbsetclaim-update:2||1 */ [[Property:P1476]]: Graf Zähl',
    ]);
    expect(fv2.text).toContain('Graf Zähl');
    const fv1 = await wikidata(fake(), revisionsOf([text], { formatversion: '1' }));
    expect(fv1.text).toContain('Graf Z\\u00e4hl');
  });

  it('summarises a removal with the values removed', async () => {
    fake().store.setStatementValue('Q1000009', 'P856', 'https://example.org/old');
    const revid = fake().store.setStatementValue('Q1000009', 'P856', null);
    const { json } = await wikidata(fake(), revisionsOf([revid], { rvprop: 'comment' }));
    expect(json.query.pages[0].revisions).toEqual([
      { comment: '/* wbremoveclaims-remove:1| */ [[Property:P856]]: https://example.org/old' },
    ]);
  });

  it('gives only the rvprop members asked for, and the user with rvprop=user or by default', async () => {
    const revid = fake().store.bumpRevision('Q1000006');
    const only = await wikidata(fake(), revisionsOf([revid], { rvprop: 'comment' }));
    expect(only.json.query.pages[0].revisions).toEqual([{ comment: '/* wbeditentity-update:0| */' }]);
    const ids = await wikidata(fake(), revisionsOf([revid], { rvprop: 'ids|user' }));
    expect(Object.keys(ids.json.query.pages[0].revisions[0])).toEqual(['revid', 'parentid', 'user']);
    expect(ids.json.query.pages[0].revisions[0].user).toBe('FakeEditor');
    const { rvprop: _, ...defaults } = revisionsOf([revid]);
    const all = await wikidata(fake(), defaults);
    expect(Object.keys(all.json.query.pages[0].revisions[0])).toEqual([
      'revid',
      'parentid',
      'user',
      'timestamp',
      'comment',
    ]);
  });

  it('lists unknown revids under badrevids, before pages', async () => {
    const revid = fake().store.bumpRevision('Q1000007');
    const { json, text } = await wikidata(fake(), revisionsOf([123, revid]));
    expect(Object.keys(json.query)).toEqual(['badrevids', 'pages']);
    expect(json.query.badrevids).toEqual({ 123: { revid: 123, missing: true } });
    expect(json.query.pages[0].revisions.map((r: Json) => r.revid)).toEqual([revid]);
    expect(text).toContain('"badrevids":{"123":{"revid":123,"missing":true}}');
    const fv1 = await wikidata(fake(), revisionsOf([123], { formatversion: '1' }));
    expect(fv1.json.query).toEqual({ badrevids: { 123: { revid: 123, missing: '' } } });
  });

  it('answers a deleted item’s revisions as unknown', async () => {
    const revid = fake().store.bumpRevision('Q1000008');
    fake().store.deleteItem('Q1000008');
    const { json } = await wikidata(fake(), revisionsOf([revid]));
    expect(json.query).toEqual({ badrevids: { [revid]: { revid, missing: true } } });
  });

  it('refuses more than 50 revids with toomanyvalues', async () => {
    const revids = Array.from({ length: 51 }, (_, i) => 1_000 + i);
    const { json, headers } = await wikidata(fake(), revisionsOf(revids));
    expect(headers['mediawiki-api-error']).toBe('toomanyvalues');
    expect(json.error).toMatchObject({
      code: 'toomanyvalues',
      info: 'Too many values supplied for parameter "revids". The limit is 50.',
      limit: 50,
    });
  });

  it('refuses revids beside titles as MediaWiki’s page set does (multisource)', async () => {
    const { json, headers } = await wikidata(fake(), revisionsOf([123], { titles: 'Q1000003' }));
    expect(headers['mediawiki-api-error']).toBe('multisource');
    expect(json.error).toMatchObject({
      code: 'multisource',
      info: 'The "revids" parameter cannot be used with "titles".',
    });
    expect(json.query).toBeUndefined();
  });

  it('counts the request as query-revisions and applies the maxlag fault to it', async () => {
    fake().resetStats();
    fake().setFaults({ maxlagRate: 1, retryAfterSeconds: 0 });
    try {
      const lagged = await wikidata(fake(), revisionsOf([123]));
      expect(lagged.headers['mediawiki-api-error']).toBe('maxlag');
      expect(lagged.json.error.code).toBe('maxlag');
    } finally {
      fake().setFaults({});
    }
    await wikidata(fake(), revisionsOf([123]));
    const stats = fake().stats();
    expect(stats.byEndpoint['query-revisions'].requests).toBe(2);
    expect(stats.byEndpoint['query-info-wikidata'].requests).toBe(0);
    expect(stats.faults.maxlag).toBe(1);
  });
});
