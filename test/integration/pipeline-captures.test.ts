// A night against the fake Wikimedia serving real captured answers (test/fixtures/wikimedia-captures:
// Karlsruhe with its ended mayors and countries, a mul-only name, websites told apart by language and by
// end time, a redirect to a section; invented_* files stand in where no capture exists). Records that
// state what Wikidata states get no proposal at all; records that do not get exactly the right one.

import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncNow } from '../../src/jobs/sync.js';
import type { Proposal } from '../../src/model/proposal.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { ROOT } from '../support/spawn.js';

const CAPTURES = path.join(ROOT, 'test', 'fixtures', 'wikimedia-captures');

/** What a careful editor writes after reading each captured item (not derived from our parser). */
const AGREEING = [
  {
    key: 'karlsruhe',
    qid: 'Q1040',
    label: 'Karlsruhe',
    description: 'German city in the state of Baden-Württemberg',
    wikipedia: { lang: 'en', title: 'Karlsruhe' },
    facts: {
      instanceOf: ['Q2327515', 'Q1549591', 'Q262166', 'Q253030', 'Q515', 'Q22865'],
      website: 'https://www.karlsruhe.de',
      namedAfter: ['Q61083'],
      headOfGovernment: 'Q1443774',
      country: 'Q183',
    },
  },
  {
    key: 'douglas-adams',
    qid: 'Q42',
    label: 'Douglas Adams',
    description: 'British science fiction writer and humorist (1952–2001)',
  },
  { key: 'x', qid: 'Q918', label: 'X', facts: { website: 'https://x.com' } },
  {
    key: 'deutsche-bahn',
    qid: 'Q9322',
    label: 'Deutsche Bahn',
    facts: { website: 'https://int.bahn.de/en' },
  },
  {
    key: 'deutsche-bahn-de',
    qid: 'Q9322',
    label: 'Deutsche Bahn',
    facts: { website: 'https://www.bahn.de' },
  },
  {
    key: 'type-of-concept',
    qid: 'Q137429456',
    label: 'type of concept',
    description: 'metaclass for concepts',
    facts: { instanceOf: ['Q19478619'] },
  },
];

/** Each the agreeing record with one thing changed. */
const [karlsruhe, , x, bahn] = AGREEING as [
  (typeof AGREEING)[0],
  unknown,
  (typeof AGREEING)[2],
  (typeof AGREEING)[3],
];
const DISAGREEING = [
  { ...karlsruhe, key: 'karlsruhe-old-mayor', facts: { ...karlsruhe.facts, headOfGovernment: 'Q107280' } },
  { ...karlsruhe, key: 'karlsruhe-west', facts: { ...karlsruhe.facts, country: 'Q713750' } },
  { ...x, key: 'twitter', facts: { website: 'https://twitter.com' } },
  { ...bahn, key: 'bahn-none', facts: {} },
  { ...karlsruhe, key: 'stellar', wikipedia: { lang: 'en', title: 'Stellar astronomy' } },
];

let install: TestInstall;
beforeAll(async () => {
  // The captures, plus one invented answer: no capture has Karlsruhe's English article, so its page
  // (whose own item is Q1040) is written here, in the real shape of wikipedia_query_pages.json.
  const world = mkdtempSync(path.join(tmpdir(), 'factsync-captures-'));
  for (const name of readdirSync(CAPTURES).filter((n) => n.endsWith('.json')))
    copyFileSync(path.join(CAPTURES, name), path.join(world, name));
  writeFileSync(
    path.join(world, 'invented_enwiki_query_Karlsruhe.json'),
    JSON.stringify({
      batchcomplete: true,
      query: {
        pages: [
          {
            pageid: 16846,
            ns: 0,
            title: 'Karlsruhe',
            contentmodel: 'wikitext',
            pagelanguage: 'en',
            pagelanguagehtmlcode: 'en',
            pagelanguagedir: 'ltr',
            touched: '2025-09-01T10:00:00Z',
            lastrevid: 1300000002,
            length: 60000,
            pageprops: { wikibase_item: 'Q1040' },
          },
        ],
      },
    }),
  );
  const file = path.join(world, 'kb.jsonl.txt');
  writeFileSync(file, `${[...AGREEING, ...DISAGREEING].map((r) => JSON.stringify(r)).join('\n')}\n`);
  install = await testInstall('captures', {
    settings: {
      'fields.headOfGovernment': { type: 'item', property: 'P6' },
      'fields.country': { type: 'item', property: 'P17' },
      'local.kind': 'jsonl',
      'local.path': file,
    },
    fake: { fixturesDir: world },
  });
}, 120_000);
afterAll(async () => install?.close());

const of = (proposals: readonly Proposal[], entity: string) =>
  proposals
    .filter((p) => p.entity === entity)
    .map((p) => ({ field: p.field, kind: p.kind, remote: p.remote }));

describe('a night against real captured Wikidata', () => {
  it('proposes nothing for records that agree, and exactly the right thing for the others', async () => {
    const { run } = await syncNow(install.runtime, { trigger: 'one-off' });
    expect(run.failures).toEqual([]);
    expect(run.counts).toMatchObject({ seen: AGREEING.length + DISAGREEING.length, failed: 0 });
    const proposals = (await install.runtime.store.list({}, { limit: 500 })).proposals;
    for (const record of AGREEING) expect(of(proposals, record.key), record.key).toEqual([]);

    expect(of(proposals, 'karlsruhe-old-mayor')).toEqual([
      {
        field: 'headOfGovernment',
        kind: 'ended',
        remote: { value: { id: 'Q107280' }, ended: '2013', current: { id: 'Q1443774' } },
      },
    ]);
    expect(of(proposals, 'karlsruhe-west')).toEqual([
      expect.objectContaining({
        field: 'country',
        kind: 'ended',
        remote: expect.objectContaining({ current: { id: 'Q183' } }),
      }),
    ]);
    expect(of(proposals, 'twitter')).toEqual([
      {
        field: 'website',
        kind: 'ended',
        remote: { value: 'https://twitter.com/', ended: '2024-05-17', current: 'https://x.com/' },
      },
    ]);
    expect(of(proposals, 'bahn-none')).toEqual([
      { field: 'website', kind: 'add', remote: 'https://int.bahn.de/en' },
    ]);
    expect(of(proposals, 'stellar')).toEqual([
      {
        field: 'wikipedia',
        kind: 'mismatch',
        remote: { lang: 'en', title: 'Astronomy', fragment: 'Stellar', item: { id: 'Q333' } },
      },
    ]);
  });
});
