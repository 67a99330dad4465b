// The diff on real-shaped data: every rule of SPEC §3 and every kind of SPEC §4.

import { describe, expect, it } from 'vitest';
import { type DiffContext, diffRecord, referencedItems } from '../../src/diff/index.js';
import { parseJsonlRecord } from '../../src/local/read/jsonl-record.js';
import type { ItemId } from '../../src/model/ids.js';
import type { Finding } from '../../src/model/proposal.js';
import type { LocalRecord } from '../../src/model/record.js';
import type {
  ItemLabels,
  ItemLookup,
  RemoteItem,
  RemoteStatement,
  WikipediaPage,
} from '../../src/model/remote.js';
import { parseEntities, parseLabels } from '../../src/sources/wikidata-parse.js';
import { parsePages } from '../../src/sources/wikipedia-parse.js';
import { testConfig } from '../support/config.js';
import { wikimediaFixture } from '../support/fixtures.js';
import { believe } from '../support/parsed.js';

const { fields } = testConfig();
const ctx: DiffContext = {
  fields,
  languages: ['en'],
  qualifiers: ['P407', 'P291', 'P400', 'P518', 'P437'],
  languageItems: ['Q1860'],
  retrievedAt: '2026-11-25T03:00:00Z',
  links: {
    item: (id, statement) => `https://www.wikidata.org/wiki/${id}${statement ? `#${statement}` : ''}`,
    page: (lang, title) => `https://${lang}.wikipedia.org/wiki/${title.replace(/ /g, '_')}`,
  },
};

const SORA_IDS: ItemId[] = [
  'Q21708200',
  'Q136505399',
  'Q125279327',
  'Q116777014',
  'Q125563211',
  'Q125218402',
  'Q124544998',
];
const labels = believe(parseLabels(wikimediaFixture('wbgetentities_labels_batch.json'), SORA_IDS));
const soraItem = parseEntities(wikimediaFixture('wbgetentities_Q124544998.json'), ['Q124544998']).get(
  'Q124544998',
) as RemoteItem;
const pages = believe(
  parsePages(wikimediaFixture('wikipedia_query_pages.json'), 'en', [
    'Sora (text-to-video model)',
    'Sora_(OpenAI)',
    'DALL-E',
    'No_such_page_xyz',
  ]),
);

/** Sora as the local store would state it, in agreement with the fixture item. */
const SORA = {
  key: 'sora',
  qid: 'Q124544998',
  label: 'Sora',
  description: 'text-to-video model developed by OpenAI',
  wikipedia: { lang: 'en', title: 'Sora (text-to-video model)' },
  facts: {
    instanceOf: ['text-to-video model', 'artificial intelligence model', 'diffusion model'],
    developer: ['OpenAI'],
    owner: ['OpenAI'],
    inception: '2024-02',
    announced: '2024-02-15',
    published: '2024-02-15',
    followedBy: 'Sora 2',
    website: 'https://openai.com/sora',
  },
};

function record(overrides: Record<string, unknown> = {}, facts: Record<string, unknown> = {}): LocalRecord {
  const json = { ...SORA, ...overrides, facts: { ...SORA.facts, ...facts } };
  for (const [name, value] of Object.entries(json.facts))
    if (value === undefined) delete (json.facts as Record<string, unknown>)[name];
  const result = parseJsonlRecord(JSON.stringify(json), 'kb.jsonl', 1, fields);
  if (!result.ok) throw new Error(result.error.error);
  return result.record;
}

function diff(
  local: LocalRecord,
  item: ItemLookup = soraItem,
  page: WikipediaPage | undefined = pages.get('Sora (text-to-video model)'),
  known: ReadonlyMap<ItemId, ItemLabels> = labels,
): Finding[] {
  return diffRecord(local, { item, labels: known, ...(page ? { page } : {}) }, ctx).findings;
}

const only = (findings: Finding[], field: string) => findings.filter((f) => f.field === field);

/** The Sora item with one property's statements replaced. */
function withStatements(property: string, statements: Array<Partial<RemoteStatement>>): RemoteItem {
  const full = statements.map((s, i) => ({
    id: `Q124544998$test-${i}`,
    property,
    rank: 'normal',
    snaktype: 'value',
    qualifiers: {},
    ...s,
  }));
  return { ...soraItem, statements: { ...soraItem.statements, [property]: full as RemoteStatement[] } };
}

/** A remote time as the parser makes it from `+YYYY-MM-DDT00:00:00Z` and a precision. */
const time = (iso: string, precision: number) => {
  const [y, m = '00', d = '00'] = iso.split('-');
  const base = { type: 'time' as const, time: `+${y}-${m}-${d}T00:00:00Z`, precision, calendar: 'gregorian' };
  return precision >= 9 ? { ...base, value: parseRemote(iso) } : base;
};

describe('a record that agrees with Wikidata', () => {
  it('gives no finding', () => {
    expect(diff(record())).toEqual([]);
  });
});

describe('items (SPEC §3)', () => {
  it('match by QID, label or alias, case- and accent-insensitively', () => {
    const findings = diff(
      record(
        {},
        {
          developer: ['open ai'],
          followedBy: 'Q136505399',
          instanceOf: ['T2V MODEL', 'AI model', 'modele de diffusion'],
        },
      ),
    );
    expect(findings).toEqual([]);
  });

  it('propose an update when the named item is another one, with both sides shown', () => {
    const [finding] = diff(record({}, { followedBy: 'Sora Turbo' }));
    expect(finding).toMatchObject({
      entity: 'sora',
      qid: 'Q124544998',
      field: 'followedBy',
      property: 'P156',
      kind: 'update',
      local: { label: 'Sora Turbo' },
      remote: { id: 'Q136505399', label: 'Sora 2' },
      evidence: {
        source: 'wikidata',
        url: expect.stringMatching(/^https:\/\/www\.wikidata\.org\/wiki\/Q124544998#Q124544998\$/),
        revision: soraItem.lastrevid,
        retrievedAt: ctx.retrievedAt,
        statementId: expect.stringMatching(/^Q124544998\$/),
      },
    });
  });

  it('propose an add when the record lacks the field', () => {
    expect(only(diff(record({}, { followedBy: undefined })), 'followedBy')).toMatchObject([
      { kind: 'add', local: null, remote: { id: 'Q136505399', label: 'Sora 2' } },
    ]);
  });

  it('compare many-valued fields as sorted sets', () => {
    const added = only(diff(record({}, { instanceOf: ['diffusion model'] })), 'instanceOf');
    expect(added).toMatchObject([{ kind: 'add', local: [{ id: 'Q125563211', label: 'diffusion model' }] }]);
    expect(added[0]?.remote).toEqual([
      { id: 'Q116777014', label: 'AI model' },
      { id: 'Q125563211', label: 'diffusion model' },
      { id: 'Q125279327', label: 'text-to-video model' },
    ]);
    const upstream = only(diff(record({}, { developer: ['OpenAI', 'Microsoft'] })), 'developer');
    expect(upstream).toMatchObject([
      { kind: 'upstream', local: [{ label: 'Microsoft' }, { id: 'Q21708200', label: 'OpenAI' }] },
    ]);
    expect(only(diff(record({}, { developer: ['Microsoft'] })), 'developer')).toMatchObject([
      { kind: 'update' },
    ]);
  });

  it('make no proposal when an item cannot be compared (its labels were not fetched)', () => {
    expect(
      only(diff(record({}, { followedBy: 'Sora Turbo' }), soraItem, undefined, new Map()), 'followedBy'),
    ).toEqual([]);
  });
});

describe('ranks (SPEC §3)', () => {
  it('never count deprecated statements', () => {
    // The fixture's deprecated P31 value (text-to-image model) is not proposed.
    expect(JSON.stringify(diff(record()))).not.toContain('Q125218402');
    const onlyDeprecated = withStatements('P156', [
      { rank: 'deprecated', value: { type: 'item', id: 'Q136505399' } },
    ]);
    expect(only(diff(record(), onlyDeprecated), 'followedBy')).toMatchObject([
      { kind: 'upstream', remote: null },
    ]);
  });

  it('count preferred statements over normal ones', () => {
    const item = withStatements('P856', [
      { rank: 'preferred', value: { type: 'string', datatype: 'url', value: 'https://sora.com' } },
      { rank: 'normal', value: { type: 'string', datatype: 'url', value: 'https://openai.com/sora' } },
    ]);
    expect(only(diff(record(), item), 'website')).toMatchObject([
      { kind: 'update', remote: 'https://sora.com' },
    ]);
  });

  it('see a conflict in several best-rank values of a single-valued field', () => {
    const item = withStatements('P577', [
      { rank: 'preferred', value: time('2024-02-15', 11) },
      { rank: 'preferred', value: time('2024-12-09', 11) },
    ]);
    expect(only(diff(record(), item), 'published')).toMatchObject([
      { kind: 'conflict', local: '2024-02-15', remote: ['2024-02-15', '2024-12-09'] },
    ]);
  });
});

describe('somevalue and novalue (SPEC §3)', () => {
  it('treat somevalue as unknown', () => {
    const item = withStatements('P156', [{ snaktype: 'somevalue' }]);
    expect(only(diff(record(), item), 'followedBy')).toEqual([]);
  });

  it('see novalue against a local value as a conflict, and agree with no local value', () => {
    const item = withStatements('P156', [{ snaktype: 'novalue' }]);
    expect(only(diff(record(), item), 'followedBy')).toMatchObject([
      { kind: 'conflict', local: { label: 'Sora 2' }, remote: { snaktype: 'novalue' } },
    ]);
    expect(only(diff(record({}, { followedBy: undefined }), item), 'followedBy')).toEqual([]);
  });
});

describe('time through precision (SPEC §3)', () => {
  it.each([
    ['2024-02-15', '2024-02-15', 11, undefined],
    ['2024', '2024-02-15', 11, 'update'],
    ['2024-02', '2024-02-15', 11, 'update'],
    ['2024-02-15', '2024', 9, 'upstream'],
    ['2024-02-15', '2024-02', 10, 'upstream'],
    ['2024-02', '2024', 9, 'upstream'],
    ['2024-03', '2024-02-15', 11, 'update'],
    ['2023', '2024', 9, 'update'],
    ['2024-02-14', '2024-02-15', 11, 'update'],
    ['2024-02-15', '2020', 8, 'upstream'],
    ['2031', '2020', 8, 'update'],
    ['2024-02-15', '2000', 7, undefined],
  ])('local %s against remote %s (precision %i) → %s', (local, remote, precision, kind) => {
    const item = withStatements('P6949', [{ value: time(remote, precision) }]);
    const findings = only(diff(record({}, { announced: local }), item), 'announced');
    expect(findings.map((f) => f.kind)).toEqual(kind ? [kind] : []);
  });
});

function parseRemote(iso: string) {
  const [year, month, day] = iso.split('-').map(Number);
  if (day) return { year: year as number, month: month as number, day, precision: 'day' as const };
  if (month) return { year: year as number, month, precision: 'month' as const };
  return { year: year as number, precision: 'year' as const };
}

describe('URLs and text (SPEC §3)', () => {
  it('treat http and https, host case and a trailing slash as the same URL', () => {
    expect(only(diff(record({}, { website: 'http://OpenAI.com/sora' })), 'website')).toEqual([]);
    expect(only(diff(record({}, { website: 'https://openai.com/sora-turbo' })), 'website')).toMatchObject([
      { kind: 'update', remote: 'https://openai.com/sora/' },
    ]);
  });

  it('compare labels and descriptions as NFC text with whitespace collapsed, otherwise exactly', () => {
    expect(diff(record({ label: '  Sora ' }))).toEqual([]);
    expect(only(diff(record({ label: 'SORA' })), 'label')).toMatchObject([
      { kind: 'update', local: 'SORA', remote: 'Sora' },
    ]);
    expect(only(diff(record({ description: undefined })), 'description')).toMatchObject([{ kind: 'add' }]);
  });

  it('propose upstream where Wikidata lacks what the record states', () => {
    const item = { ...soraItem, statements: { ...soraItem.statements, P856: [] } };
    expect(only(diff(record(), item), 'website')).toMatchObject([
      { kind: 'upstream', local: 'https://openai.com/sora', remote: null },
    ]);
  });

  it('keep the source the record cites beside the evidence, for the export to reference', () => {
    const item = { ...soraItem, statements: { ...soraItem.statements, P856: [] } };
    const [cited] = only(diff(record({ source: 'https://openai.com/index/sora/' }), item), 'website');
    expect(cited?.evidence).toMatchObject({
      source: 'wikidata',
      url: 'https://www.wikidata.org/wiki/Q124544998',
      citedSource: 'https://openai.com/index/sora/',
    });
    const [uncited] = only(diff(record(), item), 'website');
    expect(uncited?.evidence).not.toHaveProperty('citedSource');
  });
});

describe('items that moved or vanished', () => {
  it('report a merged item as a redirect and compare against the item it was merged into', () => {
    const merged = parseEntities(wikimediaFixture('wbgetentities_mixed_batch.json'), ['Q120281745']).get(
      'Q120281745',
    ) as RemoteItem;
    const findings = diff(record({ qid: 'Q120281745' }), merged);
    expect(findings).toMatchObject([
      {
        field: 'qid',
        kind: 'redirect',
        local: { id: 'Q120281745' },
        remote: { id: 'Q124544998', label: 'Sora' },
      },
    ]);
  });

  it('report a missing item and nothing else', () => {
    const missing = parseEntities(wikimediaFixture('wbgetentities_mixed_batch.json'), ['Q999999901']).get(
      'Q999999901',
    ) as ItemLookup;
    expect(diff(record({ qid: 'Q999999901' }), missing)).toMatchObject([
      {
        field: 'qid',
        kind: 'missing',
        local: { id: 'Q999999901' },
        remote: null,
        evidence: { url: 'https://www.wikidata.org/wiki/Q999999901' },
      },
    ]);
  });
});

describe('Wikipedia pages', () => {
  it('see a moved page', () => {
    const findings = diff(
      record({ wikipedia: { lang: 'en', title: 'Sora (OpenAI)' } }),
      soraItem,
      pages.get('Sora_(OpenAI)'),
    );
    expect(only(findings, 'wikipedia')).toMatchObject([
      {
        kind: 'moved',
        local: { lang: 'en', title: 'Sora (OpenAI)' },
        remote: { lang: 'en', title: 'Sora (text-to-video model)' },
        evidence: { source: 'wikipedia', revision: 1332190675 },
      },
    ]);
  });

  it('see a missing page', () => {
    const findings = diff(
      record({ wikipedia: { lang: 'en', title: 'No such page xyz' } }),
      soraItem,
      pages.get('No_such_page_xyz'),
    );
    expect(only(findings, 'wikipedia')).toMatchObject([
      { kind: 'missing', remote: { lang: 'en', title: 'Sora (text-to-video model)' } },
    ]);
  });

  it('see a title that now redirects to a page of another item: a mismatch naming it, never a move', () => {
    const dalle = parseEntities(wikimediaFixture('wbgetentities_novalue_Q105078662.json'), [
      'Q105078662',
    ]).get('Q105078662') as RemoteItem;
    const local = record(
      {
        key: 'dall-e',
        qid: 'Q105078662',
        label: 'DALL-E',
        description: undefined,
        wikipedia: { lang: 'en', title: 'DALL-E' },
      },
      {},
    );
    const findings = only(diff(local, dalle, pages.get('DALL-E')), 'wikipedia');
    expect(findings).toMatchObject([
      {
        kind: 'mismatch',
        local: { lang: 'en', title: 'DALL-E' },
        remote: { lang: 'en', title: 'DALL·E', item: { id: 'Q116219183' } },
      },
    ]);
  });

  it('propose the sitelink when the record has no Wikipedia page', () => {
    expect(only(diff(record({ wikipedia: undefined }), soraItem, undefined), 'wikipedia')).toMatchObject([
      { kind: 'add', local: null, remote: { lang: 'en', title: 'Sora (text-to-video model)' } },
    ]);
  });

  it('propose upstream when the item has no sitelink to the record page', () => {
    const item = { ...soraItem, sitelinks: {} };
    expect(only(diff(record(), item), 'wikipedia')).toMatchObject([
      { kind: 'upstream', local: { lang: 'en', title: 'Sora (text-to-video model)' } },
    ]);
  });
});

describe('local conflicts', () => {
  it('become local-conflict proposals pointing at the card line', () => {
    const local = {
      ...record(),
      file: 'cards/sora.md',
      conflicts: [
        {
          field: 'qid',
          values: [
            { value: 'Q124544998', where: 'header', line: 5 },
            { value: 'Q120281745', where: 'JSON-LD sameAs', line: 77 },
          ],
        },
      ],
    };
    expect(diff(local)).toMatchObject([
      {
        field: 'qid',
        kind: 'local-conflict',
        remote: null,
        evidence: { source: 'local', url: 'cards/sora.md#L5' },
      },
    ]);
  });
});

describe('referenced items', () => {
  it('are those of best-rank statements, the record, and the page', () => {
    const ids = referencedItems(
      record({}, { developer: [{ id: 'Q95', label: 'Google' }] }),
      soraItem,
      fields,
      pages.get('DALL-E'),
    );
    expect(ids).toEqual(
      expect.arrayContaining(['Q125279327', 'Q21708200', 'Q136505399', 'Q95', 'Q116219183']),
    );
    expect(ids).not.toContain('Q125218402'); // deprecated
  });
});
