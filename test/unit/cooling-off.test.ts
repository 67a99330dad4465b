// The cooling-off guard's pure parts: what an edit summary says it changed (real Wikibase summaries),
// the revision-history answer (a real capture), the walk back through an item's recent revisions, and
// which findings wait.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fieldsThatChange, holdBack } from '../../src/jobs/cooling-off.js';
import { MAX_ROUNDS, recentEdits } from '../../src/jobs/recent-edits.js';
import { editScope, type FieldPlace, touches } from '../../src/model/edit-summary.js';
import type { Finding } from '../../src/model/proposal.js';
import type { Fetched } from '../../src/sources/batches.js';
import { historyEnvelopeProblem, type ItemEdit, parseHistory } from '../../src/sources/wikidata-history.js';
import { needsFetch, waitOver } from '../../src/sync/state.js';
import { testConfig } from '../support/config.js';

const { fields } = testConfig();
const field = (name: string) => {
  const found = fields.find((f) => f.name === name);
  if (!found) throw new Error(name);
  return found;
};
const place = (name: string): FieldPlace => ({ field: field(name), languages: ['en'], site: 'enwiki' });
const capture = JSON.parse(
  readFileSync(
    new URL('../fixtures/wikimedia-captures/wikiprov_query_revisions_Q12345.json', import.meta.url),
    'utf8',
  ),
);

describe('editScope and touches', () => {
  // Summaries as Wikidata writes them: the capture, and real ones quoted in public Wikidata tooling.
  const cases: Array<{ summary: string | undefined; touched: string[] }> = [
    { summary: '/* wbsetclaim-update:2||1 */ [[Property:P856]]: https://sora.com', touched: ['website'] },
    { summary: '/* wbsetclaim-update:2||1|1 */ [[Property:P178]]: [[Q124375837]]', touched: ['developer'] },
    { summary: '/* wbsetclaim-create:2||1 */ [[Property:P97]]: [[Q3519259]]', touched: [] },
    {
      summary:
        '/* wbcreateclaim-create:1| */ [[Property:P155]]: [[Q106804572]], #quickstatements; #temporary_batch_1',
      touched: ['follows'],
    },
    { summary: '/* wbremoveclaims-remove:1| */ [[Property:P577]]: 30 November 2022', touched: ['published'] },
    // A qualifier edit names the qualifier's property (P7452 on a P569 statement): any statement.
    {
      summary: '/* wbsetqualifier-add:1| */ [[Property:P7452]]: [[Q71536040]]',
      touched: [
        'instanceOf',
        'developer',
        'owner',
        'inception',
        'announced',
        'published',
        'follows',
        'followedBy',
        'website',
        'namedAfter',
      ],
    },
    { summary: '/* wbsetreference-add:2| */ [[Property:P856]]: https://sora.com', touched: [] },
    { summary: '/* wbsetaliases-add:3|ru */ Граф Знак, Count von Count, The Count', touched: [] },
    { summary: '/* wbsetaliases-add:1|en */ Sora AI', touched: ['label'] },
    { summary: '/* wbsetlabel-set:1|mul */ Douglas Adams', touched: ['label'] },
    { summary: '/* wbsetdescription-set:1|en */ video model', touched: ['description'] },
    { summary: '/* wbsetsitelink-add-both:2|dewiki */ Graf Zahl, [[Q70894304]]', touched: [] },
    { summary: '/* wbsetsitelink-set:1|enwiki */ Sora (text-to-video model)', touched: ['wikipedia'] },
    {
      summary: '/* clientsitelink-update:0|enwiki|enwiki:Sora|enwiki:Sora (model) */',
      touched: ['wikipedia'],
    },
  ];
  const all = fields.map((f) => f.name);
  it.each(cases)('$summary', ({ summary, touched }) => {
    const scope = editScope(summary);
    expect(all.filter((name) => touches(scope, place(name)))).toEqual(touched);
  });

  it.each([
    '/* wbeditentity-update:0| */',
    '/* wbmergeitems-from:0||Q120281745 */',
    'Undid revision 2212345678 by [[Special:Contributions/Vandal|Vandal]]',
    'Reverted edits by [[Special:Contributions/Vandal|Vandal]] to last revision by Editor',
    '',
    '/* wbsetclaim-update:2||1 */',
  ])('reads "%s" as touching every field', (summary) => {
    expect(all.every((name) => touches(editScope(summary), place(name)))).toBe(true);
  });

  it('reads a hidden summary as touching every field', () => {
    expect(all.every((name) => touches(editScope(undefined), place(name)))).toBe(true);
  });
});

describe('parseHistory', () => {
  it('reads the captured answer: each revision with its parent, time and summary', () => {
    expect(historyEnvelopeProblem(capture)).toBeUndefined();
    const parsed = parseHistory(capture, [1419131078, 1393551702]);
    expect(parsed.get('1419131078')).toEqual({
      revid: 1419131078,
      parentid: 1419073806,
      timestamp: '2021-05-11T20:17:31Z',
      comment: '/* wbsetsitelink-add-both:2|dewiki */ Graf Zahl, [[Q70894304]]',
      title: 'Q12345',
    });
    expect(parsed.get('1393551702')).toMatchObject({
      parentid: 1393551693,
      timestamp: '2021-03-31T10:27:19Z',
    });
  });

  it('takes a revision asked for and not answered, or a bad one, as unreadable', () => {
    const body = {
      query: { badrevids: { '7': { revid: 7, missing: true } }, pages: [{ title: 'Q1', revisions: [] }] },
    };
    const parsed = parseHistory(body, [7, 8]);
    expect(parsed.get('7')).toMatchObject({
      kind: 'unreadable',
      reason: expect.stringContaining('badrevids'),
    });
    expect(parsed.get('8')).toMatchObject({
      kind: 'unreadable',
      reason: expect.stringContaining('not answered'),
    });
  });

  it('refuses a revision of the wrong shape, and keeps a hidden summary as hidden', () => {
    const body = {
      query: {
        pages: [
          {
            title: 'Q1',
            revisions: [
              { revid: 5, parentid: 4, timestamp: 'yesterday', comment: 'x' },
              { revid: 6, parentid: 5, timestamp: '2026-12-01T10:00:00Z', commenthidden: true },
              { revid: 9, parentid: 8, timestamp: '2026-12-01T10:00:00Z' },
            ],
          },
        ],
      },
    };
    const parsed = parseHistory(body, [5, 6, 9]);
    expect(parsed.get('5')).toMatchObject({ kind: 'unreadable' });
    expect(parsed.get('6')).toEqual({
      revid: 6,
      parentid: 5,
      timestamp: '2026-12-01T10:00:00Z',
      title: 'Q1',
    });
    expect(parsed.get('9')).toMatchObject({ kind: 'unreadable', reason: expect.stringContaining('missing') });
    expect(historyEnvelopeProblem({ query: {} })).toContain('neither');
  });
});

/** A plain history: revid → edit; one call per round is recorded. */
function history(edits: ItemEdit[]) {
  const byId = new Map(edits.map((e) => [String(e.revid), e]));
  const calls: number[][] = [];
  return {
    calls,
    async history(revids: readonly number[]): Promise<Fetched<string, ItemEdit>> {
      calls.push([...revids]);
      const found = new Map<string, ItemEdit>();
      for (const id of revids) {
        const edit = byId.get(String(id));
        if (edit) found.set(String(id), edit);
      }
      return { found, failures: [], rejected: [] };
    },
  };
}

const edit = (revid: number, parentid: number, timestamp: string, comment: string): ItemEdit => ({
  revid,
  parentid,
  timestamp,
  comment,
  title: 'Q1',
});

describe('recentEdits', () => {
  const since = '2026-12-01T12:00:00.000Z';

  it('walks back past an unrelated edit to the one that touched the field, one request a round', async () => {
    const source = history([
      edit(30, 20, '2026-12-02T09:00:00Z', '/* wbsetlabel-set:1|de */ Sora'),
      edit(
        20,
        10,
        '2026-12-02T08:00:00Z',
        '/* wbsetclaim-update:2||1 */ [[Property:P856]]: https://x.example',
      ),
      edit(10, 5, '2026-11-01T08:00:00Z', '/* wbeditentity-update:0| */'),
      edit(31, 11, '2026-12-02T07:00:00Z', '/* wbsetreference-add:2| */ [[Property:P178]]: [[Q1]]'),
      edit(11, 3, '2026-10-01T07:00:00Z', '/* wbeditentity-update:0| */'),
    ]);
    const found = await recentEdits(
      source,
      [
        { key: 'a', lastrevid: 30, places: [place('website'), place('developer')] },
        { key: 'b', lastrevid: 31, places: [place('developer')] },
      ],
      since,
    );
    expect(found.touched.get('a')).toEqual(
      new Map([['website', { revision: 20, time: '2026-12-02T08:00:00Z' }]]),
    );
    expect(found.touched.has('b')).toBe(false);
    // Round 1 asks for both items' newest revisions at once; the walk stops at the first older than `since`.
    expect(source.calls).toEqual([[30, 31], [20, 11], [10]]);
  });

  it('fails an item whose revision is not answered, never clears it', async () => {
    const found = await recentEdits(
      history([]),
      [{ key: 'a', lastrevid: 30, places: [place('website')] }],
      since,
    );
    expect(found.failed.get('a')?.reason).toContain('revision 30');
    expect(found.touched.has('a')).toBe(false);
  });

  it(`holds a field it could not clear in ${MAX_ROUNDS} rounds`, async () => {
    const edits = Array.from({ length: MAX_ROUNDS + 2 }, (_, i) =>
      edit(100 - i, 99 - i, `2026-12-02T0${Math.min(i, 9)}:00:00Z`, '/* wbsetlabel-set:1|de */ x'),
    );
    const found = await recentEdits(
      history(edits),
      [{ key: 'a', lastrevid: 100, places: [place('website')] }],
      since,
    );
    expect(found.rounds).toBe(MAX_ROUNDS);
    expect(found.touched.get('a')?.get('website')).toMatchObject({ revision: 100 - MAX_ROUNDS + 1 });
  });
});

describe('holdBack and the state', () => {
  const finding = (field: string) => ({ field, kind: 'update' }) as unknown as Finding;

  it('keeps the findings of fields no recent edit touched, and says until when the others wait', () => {
    const cooled = holdBack(
      'sora',
      'Q124544998',
      [finding('website'), finding('developer')],
      new Map([['website', { revision: 20, time: '2026-12-02T08:00:00Z' }]]),
      24 * 3_600_000,
    );
    expect(cooled.findings.map((f) => f.field)).toEqual(['developer']);
    expect(cooled.waitingFields).toEqual(['website']);
    expect(cooled.waiting).toEqual([
      {
        entity: 'sora',
        qid: 'Q124544998',
        field: 'website',
        revision: 20,
        editedAt: '2026-12-02T08:00:00Z',
        until: '2026-12-03T08:00:00.000Z',
      },
    ]);
    expect(cooled.waitUntil).toBe('2026-12-03T08:00:00.000Z');
  });

  it('fetches an entity again once its wait is over, and not before', () => {
    const state = {
      qid: 'Q1' as const,
      itemRev: 20,
      recordHash: 'h',
      checkedAt: '2026-12-02T09:00:00Z',
      waitUntil: '2026-12-03T08:00:00.000Z',
    };
    const observed = { qid: 'Q1' as const, itemRev: 20, recordHash: 'h' };
    expect(waitOver(state, '2026-12-03T07:59:59Z')).toBe(false);
    expect(needsFetch(state, observed, '2026-12-03T07:59:59Z')).toBe(false);
    expect(waitOver(state, '2026-12-03T08:00:00Z')).toBe(true);
    expect(needsFetch(state, observed, '2026-12-03T08:00:01Z')).toBe(true);
  });
});

describe('fieldsThatChange', () => {
  const standing = [
    { field: 'website', id: 'w1', status: 'open' },
    { field: 'developer', id: 'd1', status: 'decided' },
    { field: 'published', id: 'p1', status: 'open' },
  ];
  it.each([
    {
      name: 'the same findings: nothing changes',
      found: ['website:w1', 'developer:d1', 'published:p1'],
      changing: [],
    },
    {
      name: 'a new value of a field',
      found: ['website:w2', 'developer:d1', 'published:p1'],
      changing: ['website'],
    },
    // A decided proposal is not settled by a run: its finding gone changes nothing.
    { name: 'a decided finding gone', found: ['website:w1', 'published:p1'], changing: [] },
    {
      name: 'an open finding gone (it would be resolved)',
      found: ['website:w1', 'developer:d1'],
      changing: ['published'],
    },
    {
      name: 'a finding of a field with no proposal',
      found: ['website:w1', 'developer:d1', 'published:p1', 'owner:o1'],
      changing: ['owner'],
    },
  ])('$name', ({ found, changing }) => {
    const findings = found.map((text) => {
      const [field = '', id = ''] = text.split(':');
      return { field, id };
    });
    expect(fieldsThatChange(findings, standing)).toEqual(changing);
  });
});
