// The triage of a batch's records before any request: which are fetched, revision-checked (a sweep),
// verified (the rolling verification of a feed run) or left unchanged, and which feed hits were old
// news. One row per situation a night meets.

import { describe, expect, it } from 'vitest';
import type { ItemId } from '../../src/model/ids.js';
import { type Verification, verificationFor } from '../../src/model/plan.js';
import type { LocalRecord } from '../../src/model/record.js';
import type { EntityState } from '../../src/sync/state.js';
import { type Hits, indexEntries, pageKeys, type TriageContext, triage } from '../../src/sync/triage.js';

const NOW = '2026-11-25T03:00:00.000Z';
const YESTERDAY = '2026-11-24T03:00:00.000Z';
const record: LocalRecord = {
  key: 'sora',
  qid: 'Q1',
  wikipedia: { lang: 'en', title: 'Sora' },
  facts: {},
  conflicts: [],
  file: 'sora.md',
};
const compared: EntityState = {
  qid: 'Q1',
  itemRev: 100,
  pageRev: 200,
  recordHash: 'h1',
  checkedAt: YESTERDAY,
  verifiedAt: YESTERDAY,
};
/** Run 1 of a 30-day verification: batch 1 is its slice, batch 0 is not. */
const verification: Verification = verificationFor(1, 30, Date.parse(NOW));
const noHits: Hits = { items: new Map(), pages: new Map() };
const hits = (items: Record<string, number>, pages: Record<string, number> = {}): Hits => ({
  items: new Map(Object.entries(items)),
  pages: new Map(Object.entries(pages)),
});

type Bucket = 'fetch' | 'check' | 'verify' | 'unchanged';
interface Case {
  name: string;
  prev?: Partial<EntityState> | null;
  hash?: string;
  record?: Partial<LocalRecord>;
  strategy?: 'sweep' | 'feed';
  full?: boolean;
  hits?: Hits;
  batchIndex?: number;
  bucket: Bucket;
  stale?: { qids: string[]; pages: string[] };
}

const cases: Case[] = [
  { name: 'a first run fetches: the entity was never compared', prev: null, bucket: 'fetch' },
  { name: 'a record edited locally is fetched', hash: 'h2', bucket: 'fetch' },
  { name: 'a record now naming another QID is fetched', record: { qid: 'Q9' }, bucket: 'fetch' },
  { name: 'a sweep checks an entity nothing changed for', strategy: 'sweep', bucket: 'check' },
  { name: 'a full run fetches it all the same', strategy: 'sweep', full: true, bucket: 'fetch' },
  { name: 'a full feed run fetches too', full: true, bucket: 'fetch' },
  { name: 'the feed saw nothing: unchanged', bucket: 'unchanged' },
  { name: 'a feed hit newer than the item compared is fetched', hits: hits({ Q1: 101 }), bucket: 'fetch' },
  {
    name: 'a feed hit the entity was compared after is old news',
    hits: hits({ Q1: 100 }),
    bucket: 'unchanged',
    stale: { qids: ['Q1'], pages: [] },
  },
  { name: 'a deletion or move (revision 0) is always fetched', hits: hits({ Q1: 0 }), bucket: 'fetch' },
  {
    name: 'a hit on the item the QID was merged into is fetched',
    prev: { target: 'Q2' },
    hits: hits({ Q2: 150 }),
    bucket: 'fetch',
  },
  {
    name: 'an old hit on the merge target settles both QIDs',
    prev: { target: 'Q2' },
    hits: hits({ Q2: 50 }),
    bucket: 'unchanged',
    stale: { qids: ['Q1', 'Q2'], pages: [] },
  },
  {
    name: 'a page hit newer than the page compared is fetched',
    hits: hits({}, { 'en:Sora': 201 }),
    bucket: 'fetch',
  },
  {
    name: 'a hit on the title the page redirects to is fetched',
    prev: { pageTitle: 'Sora (model)' },
    hits: hits({}, { 'en:Sora (model)': 201 }),
    bucket: 'fetch',
  },
  {
    name: 'an old page hit settles the page under both its names',
    prev: { pageTitle: 'Sora (model)' },
    hits: hits({}, { 'en:Sora (model)': 199 }),
    bucket: 'unchanged',
    stale: { qids: [], pages: ['en:Sora', 'en:Sora (model)'] },
  },
  {
    name: 'a page hit for a record without a page is none',
    record: { wikipedia: undefined },
    hits: hits({}, { 'en:Sora': 999 }),
    bucket: 'unchanged',
  },
  { name: 'the batch of the night’s verification slice is verified', batchIndex: 1, bucket: 'verify' },
  {
    name: 'an entity overdue for verification is verified whatever its batch',
    prev: { verifiedAt: '2026-10-01T00:00:00.000Z' },
    bucket: 'verify',
  },
  {
    name: 'an entity never verified goes by when it was compared',
    prev: { verifiedAt: undefined, checkedAt: '2026-10-01T00:00:00.000Z' },
    bucket: 'verify',
  },
  {
    name: 'an old hit in the verification slice is verified, and settled',
    batchIndex: 1,
    hits: hits({ Q1: 90 }),
    bucket: 'verify',
    stale: { qids: ['Q1'], pages: [] },
  },
  { name: 'a wait that is over is fetched, feed or not', prev: { waitUntil: NOW }, bucket: 'fetch' },
  {
    name: 'a wait that is over is fetched in a sweep too',
    prev: { waitUntil: YESTERDAY },
    strategy: 'sweep',
    bucket: 'fetch',
  },
  {
    name: 'a wait not yet over leaves the entity be',
    prev: { waitUntil: '2026-11-25T04:00:00.000Z' },
    bucket: 'unchanged',
  },
];

function contextOf(c: Case): TriageContext {
  const previous = new Map<string, EntityState>();
  if (c.prev !== null) previous.set(record.key, { ...compared, ...c.prev });
  return {
    previous,
    hashes: new Map([[record.key, c.hash ?? 'h1']]),
    plan: c.strategy === 'sweep' ? { strategy: 'sweep' } : { strategy: 'feed', verification },
    full: c.full ?? false,
    hits: c.hits ?? noHits,
    batchIndex: c.batchIndex ?? 0,
    now: NOW,
  };
}

describe('triage', () => {
  it.each(cases)('$name', (c) => {
    const out = triage([{ ...record, ...c.record }], contextOf(c));
    const buckets: Bucket[] = ['fetch', 'check', 'verify', 'unchanged'];
    expect(buckets.filter((bucket) => out[bucket].length > 0)).toEqual([c.bucket]);
    expect(out.stale).toEqual(c.stale ?? { qids: [], pages: [] });
  });

  it('keeps records in read order within each bucket', () => {
    const records = ['a', 'b', 'c', 'd'].map((key, i) => ({ ...record, key, qid: `Q${i + 1}` as ItemId }));
    const previous = new Map(records.slice(1).map((r) => [r.key, { ...compared, qid: r.qid }]));
    const out = triage(records, {
      ...contextOf({ name: '', bucket: 'fetch' }),
      previous,
      hashes: new Map(records.map((r) => [r.key, 'h1'])),
      hits: hits({ Q4: 101 }),
    });
    expect(out.fetch.map((r) => r.key)).toEqual(['a', 'd']);
    expect(out.unchanged.map((r) => r.key)).toEqual(['b', 'c']);
  });
});

describe('the names an entity goes by on the feeds', () => {
  it.each([
    {
      name: 'a record without a page',
      record: { ...record, wikipedia: undefined },
      state: undefined,
      qids: ['Q1'],
      pages: [],
    },
    { name: 'never compared', record, state: undefined, qids: ['Q1'], pages: ['en:Sora'] },
    {
      name: 'merged and redirected',
      record,
      state: { target: 'Q2' as ItemId, pageTitle: 'Sora (model)' },
      qids: ['Q1', 'Q2'],
      pages: ['en:Sora', 'en:Sora (model)'],
    },
  ])('$name', ({ record: r, state, qids, pages }) => {
    expect(pageKeys(r, state)).toEqual(pages);
    const entries = indexEntries(r, state);
    expect(entries.qids).toEqual(qids);
    expect(entries.pages.map((p) => `${p.lang}:${p.title}`)).toEqual(pages);
  });
});
