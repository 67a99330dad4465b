// Reading EventStreams recentchange events (src/sources/eventstreams.ts) on the real events captured in
// test/fixtures/wikimedia-captures/eventstreams/: which wikis are watched, the rows the polled feed
// would show for them, and what is refused rather than believed.

import { readFileSync } from 'node:fs';
import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { readEvent, watchedWiki } from '../../src/sources/eventstreams.js';

const dir = new URL('../fixtures/wikimedia-captures/eventstreams/', import.meta.url);
const capture = (name: string) => readFileSync(new URL(name, dir), 'utf8');
const NONE = new Set<string>();

describe('EventStreams recentchange events', () => {
  it('reads a captured Wikidata merge as the polled feed’s three edit rows', () => {
    const items = capture('wikidata_merge_events.jsonl')
      .trim()
      .split('\n')
      .map((line, i) => readEvent(`id-${i}`, line, NONE));
    expect(items).toEqual([
      expect.objectContaining({
        kind: 'change',
        wiki: 'wikidata',
        at: Date.parse('2020-02-02T13:21:46Z'),
        row: {
          type: 'edit',
          title: 'Q26212910',
          revid: 1108532037,
          timestamp: '2020-02-02T13:21:46Z',
          rcid: 1146589785,
        },
      }),
      expect.objectContaining({ row: expect.objectContaining({ title: 'Q1216649', revid: 1108532043 }) }),
      // The redirect creation: the newest revision of the merged item.
      expect.objectContaining({ row: expect.objectContaining({ title: 'Q26212910', revid: 1108532044 }) }),
    ]);
  });

  it('reads a captured 2025 item edit: the new revision, not the old (the schema’s descriptions are swapped)', () => {
    const item = readEvent('x', capture('wikidata_edit_Q125624736.json'), NONE);
    expect(item).toMatchObject({
      kind: 'change',
      row: {
        type: 'edit',
        title: 'Q125624736',
        revid: 2346932711,
        rcid: 2418341771,
        timestamp: '2025-05-10T09:57:26Z',
      },
    });
  });

  it('reads the SSE framing and the Kafka id of a captured message; keeps only watched wikis in namespace 0', () => {
    const messages: Array<{ id?: string; data: string }> = [];
    createParser({ onEvent: (event) => messages.push(event) }).feed(capture('sse_hewiki_edit.txt'));
    expect(messages).toHaveLength(1);
    const [message] = messages as [{ id: string; data: string }];
    expect(JSON.parse(message.id)).toEqual([
      { topic: 'eqiad.mediawiki.recentchange', partition: 0, timestamp: 1596207527001 },
      { topic: 'codfw.mediawiki.recentchange', partition: 0, offset: -1 },
    ]);
    // Hebrew Wikipedia not in use: another wiki's event only moves the position.
    expect(readEvent(message.id, message.data, NONE)).toEqual({
      kind: 'other',
      id: message.id,
      at: Date.parse('2020-07-31T14:58:47Z'),
    });
    // In use, but a template (namespace 10): still no row.
    expect(readEvent(message.id, message.data, new Set(['he'])).kind).toBe('other');
  });

  it('turns a deletion in namespace 0 into a log row with no revision (always look again)', () => {
    const event = { ...JSON.parse(capture('enwiki_delete_log.json')), namespace: 0, title: 'Some article' };
    expect(readEvent('x', JSON.stringify(event), new Set(['en']))).toMatchObject({
      kind: 'change',
      wiki: 'en',
      row: { type: 'log', title: 'Some article', revid: 0, logtype: 'delete', rcid: 1769695961 },
    });
    // The captured event itself is on a talk page (namespace 15).
    expect(readEvent('x', capture('enwiki_delete_log.json'), new Set(['en'])).kind).toBe('other');
  });

  it('names a move’s new title (log_params.target: INVENTED shape, see the captures’ README)', () => {
    const event = {
      ...JSON.parse(capture('enwiki_delete_log.json')),
      namespace: 0,
      title: 'Old name',
      log_type: 'move',
      log_action: 'move',
      log_params: { target: 'New name', noredir: '0' },
    };
    expect(readEvent('x', JSON.stringify(event), new Set(['en']))).toMatchObject({
      row: { type: 'log', title: 'Old name', targetTitle: 'New name', revid: 0 },
    });
  });

  it('refuses a watched wiki’s event that is not whole, instead of believing it', () => {
    const edit = JSON.parse(capture('wikidata_edit_Q125624736.json'));
    const { revision: _, ...noRevision } = edit;
    expect(readEvent('x', JSON.stringify(noRevision), NONE)).toMatchObject({
      kind: 'invalid',
      why: expect.stringContaining('revision.new'),
    });
    expect(readEvent('x', JSON.stringify({ ...edit, timestamp: 'yesterday' }), NONE).kind).toBe('invalid');
    expect(readEvent('x', '{"server_name": "www.wikidata.org", "wiki": "wikidatawiki"', NONE)).toMatchObject({
      kind: 'invalid',
      why: 'the data is not JSON',
    });
    // Another wiki's event is not read closely: what it lacks is none of our business.
    expect(
      readEvent('x', JSON.stringify({ ...noRevision, server_name: 'commons.wikimedia.org' }), NONE).kind,
    ).toBe('other');
  });

  it('watches a wiki only when server_name and wiki agree', () => {
    const langs = new Set(['en', 'zh-min-nan']);
    expect(watchedWiki('www.wikidata.org', 'wikidatawiki', langs)).toBe('wikidata');
    expect(watchedWiki('en.wikipedia.org', 'enwiki', langs)).toBe('en');
    expect(watchedWiki('zh-min-nan.wikipedia.org', 'zh_min_nanwiki', langs)).toBe('zh-min-nan');
    expect(watchedWiki('en.wikipedia.org', 'dewiki', langs)).toBeUndefined();
    expect(watchedWiki('de.wikipedia.org', 'dewiki', langs)).toBeUndefined();
    expect(watchedWiki('test.wikidata.org', 'testwikidatawiki', langs)).toBeUndefined();
  });
});
