// Wikidata as it really answers in 2026, on captured responses (test/fixtures/wikimedia-captures, with
// provenance in its README; files named invented_* are stand-ins where no capture exists): `mul` terms
// and languagefallback substitutes, start and end time qualifiers, values told apart by qualifiers, and
// redirects to a section or to another item's page. Each rule is shown on the parser and on the diff.

import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type DiffContext, diffRecord } from '../../src/diff/index.js';
import { parseJsonlRecord } from '../../src/local/read/jsonl-record.js';
import type { FieldSpec } from '../../src/model/fields.js';
import type { ItemId } from '../../src/model/ids.js';
import type { Finding } from '../../src/model/proposal.js';
import type { LocalRecord } from '../../src/model/record.js';
import type { ItemLabels, RemoteItem, WikipediaPage } from '../../src/model/remote.js';
import { parseEntities, parseLabels } from '../../src/sources/wikidata-parse.js';
import { parseStatements } from '../../src/sources/wikidata-statements.js';
import { entityProblem, queryEnvelopeProblem } from '../../src/sources/wikidata-validate.js';
import { parsePages, redirectHops } from '../../src/sources/wikipedia-parse.js';
import { testConfig } from '../support/config.js';
import { wikimediaCapture } from '../support/fixtures.js';
import { believe } from '../support/parsed.js';

const statementField = (
  name: string,
  property: string,
  type: FieldSpec['type'],
  extra: Partial<FieldSpec> = {},
) =>
  ({
    name,
    type,
    source: 'statement',
    property,
    many: false,
    current: type !== 'time',
    phrases: [],
    ...extra,
  }) as FieldSpec;

const fields: FieldSpec[] = [
  ...testConfig().fields,
  statementField('headOfGovernment', 'P6', 'item'),
  statementField('country', 'P17', 'item'),
];

const ctx: DiffContext = {
  fields,
  languages: ['en'],
  qualifiers: ['P407', 'P291', 'P400', 'P518', 'P437'],
  languageItems: ['Q1860'],
  retrievedAt: '2026-12-02T03:00:00Z',
  links: {
    item: (id, statement) => `https://www.wikidata.org/wiki/${id}${statement ? `#${statement}` : ''}`,
    page: (lang, title) => `https://${lang}.wikipedia.org/wiki/${title.replace(/ /g, '_')}`,
  },
};

function record(json: Record<string, unknown>): LocalRecord {
  const result = parseJsonlRecord(JSON.stringify({ key: 'k', ...json }), 'kb.jsonl', 1, fields);
  if (!result.ok) throw new Error(result.error.error);
  return result.record;
}

function item(file: string, id: ItemId): RemoteItem {
  const found = believe(parseEntities(wikimediaCapture(file), [id])).get(id);
  if (found?.kind !== 'item') throw new Error(`${id} is not an item in ${file}`);
  return found;
}

function diff(
  local: LocalRecord,
  remote: RemoteItem,
  labels: ReadonlyMap<ItemId, ItemLabels> = new Map(),
  page?: WikipediaPage,
): Finding[] {
  return diffRecord(local, { item: remote, labels, ...(page ? { page } : {}) }, ctx).findings;
}

const of = (findings: Finding[], field: string) => findings.filter((f) => f.field === field);

describe('real captures pass the answer checks (a rule that refused real Wikidata would be wrong)', () => {
  const folders = ['wikimedia-captures', 'wikimedia-captures/shared'];
  const entities: Array<[string, string, unknown]> = [];
  for (const folder of folders) {
    const dir = new URL(`../fixtures/${folder}/`, import.meta.url);
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      const file = folder.endsWith('/shared') ? `shared/${name}` : name;
      const json = wikimediaCapture(file) as Record<string, unknown>;
      const map = (json.entities ?? (json.type === 'item' ? { [String(json.id)]: json } : {})) as Record<
        string,
        unknown
      >;
      for (const [key, entity] of Object.entries(map))
        if (/^Q\d+$/.test(key) && (entity as { type?: string }).type !== 'property')
          entities.push([`${folder}/${name}`, key, entity]);
    }
  }

  it('finds the captured entities', () => {
    expect(entities.length).toBeGreaterThanOrEqual(15);
  });

  it.each(entities)('%s: %s reads whole', (_file, id, entity) => {
    expect(entityProblem(id, entity, undefined, false)).toBeUndefined();
  });
});

describe('names under mul', () => {
  it('keeps a mul-only label and mul aliases, and drops nothing real (invented: no capture of a mul-only item exists)', () => {
    const adams = item('invented_wbgetentities_Q42_mul_only.json', 'Q42');
    expect(adams.labels).toEqual({ mul: 'Douglas Adams' });
    expect(adams.aliases.mul).toEqual(['Douglas Noël Adams', 'Douglas N. Adams']);
  });

  it('gives no "Wikidata lacks this label" for a record whose label is the mul name', () => {
    const adams = item('invented_wbgetentities_Q42_mul_only.json', 'Q42');
    expect(of(diff(record({ qid: 'Q42', label: 'Douglas Adams' }), adams), 'label')).toEqual([]);
    expect(of(diff(record({ qid: 'Q42', label: 'Douglas Adam' }), adams), 'label')).toMatchObject([
      { kind: 'update', remote: 'Douglas Adams' },
    ]);
  });

  it('matches a referenced item by its mul label or a mul alias', () => {
    const labels = believe(
      parseLabels(wikimediaCapture('invented_wbgetentities_Q42_mul_only.json'), ['Q42']),
    );
    const sora = item('invented_wbgetentities_Q918_P856_ended_and_current.json', 'Q918');
    const named = {
      ...sora,
      statements: {
        P178: [
          {
            id: 'Q918$1',
            property: 'P178' as const,
            rank: 'normal' as const,
            snaktype: 'value' as const,
            value: { type: 'item' as const, id: 'Q42' as const },
            qualifiers: {},
          },
        ],
      },
    };
    for (const name of ['Douglas Adams', 'douglas noel adams', 'Douglas N. Adams'])
      expect(
        of(diff(record({ qid: 'Q918', facts: { developer: [name] } }), named, labels), 'developer'),
      ).toEqual([]);
    expect(
      of(diff(record({ qid: 'Q918', facts: { developer: ['Someone Else'] } }), named, labels), 'developer'),
    ).toMatchObject([{ kind: 'update', remote: [{ id: 'Q42', label: 'Douglas Adams' }] }]);
  });

  it('reads a languagefallback answer: the mul label served for en counts as mul (invented on the real shape)', () => {
    const adams = item('invented_wbgetentities_Q42_languagefallback_en_mul.json', 'Q42');
    expect(adams.labels).toEqual({ mul: 'Douglas Adams' });
    expect(adams.descriptions).toEqual({ en: 'British science fiction writer and humorist (1952–2001)' });
  });

  it('never takes another language substituted under mul (real 2026 answer, Q100175)', () => {
    const schweiger = item('indexed_Q100175_mul_and_fallback_terms.json', 'Q100175');
    expect(schweiger.labels).toEqual({
      de: 'Lilli Schweiger',
      en: 'Lilli Schweiger',
      mul: 'Lilli Schweiger',
    });
    // descriptions.mul is {"language":"en","for-language":"mul"}: the English one, not a mul description.
    expect(schweiger.descriptions).toEqual({ de: 'deutsche Schauspielerin', en: 'German actress' });
  });

  it('does not take an English label substituted for vi as the vi label', () => {
    const body = {
      entities: {
        Q5: {
          type: 'item',
          id: 'Q5',
          labels: { vi: { language: 'en', value: 'edge computing', 'for-language': 'vi' } },
        },
      },
    };
    const found = believe(parseEntities(body, ['Q5'])).get('Q5') as RemoteItem;
    expect(found.labels).toEqual({});
    const vietnamese = { ...ctx, languages: ['vi'] };
    const findings = diffRecord(
      record({ qid: 'Q5', label: 'điện toán biên' }),
      { item: found, labels: new Map() },
      vietnamese,
    ).findings;
    expect(of(findings, 'label')).toMatchObject([{ kind: 'upstream', remote: null }]);
  });
});

describe('statements scoped by start and end time', () => {
  // Karlsruhe (real, Wikidata-Toolkit): six ended mayors on P6 with P580/P582, the current one
  // preferred with P580 only; P17 Germany current (preferred), West Germany ended in 1990.
  const karlsruhe = item('wdtk_wbgetentities-Q32063953.json', 'Q32063953');
  // The referenced items' names were read (none in English: shown by QID).
  const named = new Map(
    Object.values(karlsruhe.statements)
      .flat()
      .flatMap((s) => (s.value?.type === 'item' ? [s.value.id] : []))
      .map((id) => [id, { id, labels: {}, aliases: {} }] as const),
  );

  it('never proposes an ended value as an add', () => {
    const findings = of(diff(record({ qid: 'Q1040' }), karlsruhe, named), 'headOfGovernment');
    expect(findings).toMatchObject([{ kind: 'add', remote: { id: 'Q1443774' } }]);
  });

  it('says when a value the record states has ended, with the current one', () => {
    const findings = of(
      diff(record({ qid: 'Q1040', facts: { headOfGovernment: 'Q107280' } }), karlsruhe, named),
      'headOfGovernment',
    );
    expect(findings).toMatchObject([
      {
        kind: 'ended',
        local: { id: 'Q107280' },
        remote: { value: { id: 'Q107280' }, ended: '2013', current: { id: 'Q1443774' } },
        evidence: { qualifiers: { P580: ['1998'], P582: ['2013'] } },
      },
    ]);
    const country = of(
      diff(record({ qid: 'Q1040', facts: { country: 'Q713750' } }), karlsruhe, named),
      'country',
    );
    expect(country).toMatchObject([
      { kind: 'ended', remote: { ended: '1990-10-02', current: { id: 'Q183' } } },
    ]);
  });

  it('leaves a field undecided, proposing nothing, when a name it would show was not read', () => {
    const result = diffRecord(record({ qid: 'Q1040' }), { item: karlsruhe, labels: new Map() }, ctx);
    expect(result.undecided).toEqual(expect.arrayContaining(['headOfGovernment', 'country']));
    expect(of(result.findings, 'headOfGovernment')).toEqual([]);
  });

  it('agrees with a record that states the current value', () => {
    expect(
      of(
        diff(
          record({ qid: 'Q1040', facts: { headOfGovernment: 'Q1443774', country: 'Q183' } }),
          karlsruhe,
          named,
        ),
        'headOfGovernment',
      ),
    ).toEqual([]);
    expect(
      of(diff(record({ qid: 'Q1040', facts: { country: 'Q183' } }), karlsruhe, named), 'country'),
    ).toEqual([]);
  });

  it('reads an ended website and the current one (invented: no capture of an ended P856 exists)', () => {
    const x = item('invented_wbgetentities_Q918_P856_ended_and_current.json', 'Q918');
    expect(of(diff(record({ qid: 'Q918' }), x), 'website')).toMatchObject([
      { kind: 'add', remote: 'https://x.com/' },
    ]);
    expect(of(diff(record({ qid: 'Q918', facts: { website: 'https://x.com' } }), x), 'website')).toEqual([]);
    expect(
      of(diff(record({ qid: 'Q918', facts: { website: 'https://twitter.com' } }), x), 'website'),
    ).toMatchObject([
      {
        kind: 'ended',
        remote: { value: 'https://twitter.com/', ended: '2024-05-17', current: 'https://x.com/' },
      },
    ]);
  });

  it('does not count a value whose start time is still to come, and reads start times at their precision', () => {
    const x = item('invented_wbgetentities_Q918_P856_ended_and_current.json', 'Q918');
    const later = { ...ctx, retrievedAt: '2024-05-16T12:00:00Z' };
    const before = diffRecord(
      record({ qid: 'Q918', facts: { website: 'https://twitter.com' } }),
      { item: x, labels: new Map() },
      later,
    ).findings;
    expect(of(before, 'website')).toEqual([]); // on the 16th, twitter.com still held and x.com had not begun
  });
});

describe('values told apart by qualifiers', () => {
  // Invented on the real shape: no capture holds two P856 with different P407 languages.
  const bahn = item('invented_wbgetentities_Q9322_P856_by_language.json', 'Q9322');

  it('agrees with a record that states either website', () => {
    expect(
      of(diff(record({ qid: 'Q9322', facts: { website: 'https://int.bahn.de/en' } }), bahn), 'website'),
    ).toEqual([]);
    expect(
      of(diff(record({ qid: 'Q9322', facts: { website: 'https://www.bahn.de' } }), bahn), 'website'),
    ).toEqual([]);
  });

  it('adds the website in the configured language, the other listed with its qualifiers', () => {
    const [finding] = of(diff(record({ qid: 'Q9322' }), bahn), 'website');
    expect(finding).toMatchObject({
      kind: 'add',
      remote: 'https://int.bahn.de/en',
      evidence: {
        qualifiers: { P407: [{ id: 'Q1860' }] },
        alternatives: [{ value: 'https://www.bahn.de/', qualifiers: { P407: [{ id: 'Q188' }] } }],
      },
    });
  });

  it('proposes the fitting one when the record states neither, and a conflict only when nothing tells them apart', () => {
    expect(
      of(diff(record({ qid: 'Q9322', facts: { website: 'https://example.org' } }), bahn), 'website'),
    ).toMatchObject([{ kind: 'update', remote: 'https://int.bahn.de/en' }]);
    const bare = {
      ...bahn,
      statements: { P856: (bahn.statements.P856 ?? []).map((s) => ({ ...s, qualifiers: {} })) },
    };
    expect(
      of(diff(record({ qid: 'Q9322', facts: { website: 'https://www.bahn.de' } }), bare), 'website'),
    ).toMatchObject([{ kind: 'conflict' }]);
  });

  // Real: the P577 statements of Q184605 with P291 place of publication, as an app stored them.
  const raw = (
    wikimediaCapture('wakonda_Q184605_app_output_with_P577_statements.json') as { publicationDate: unknown }
  ).publicationDate;
  const film: RemoteItem = {
    kind: 'item',
    id: 'Q184605',
    requested: 'Q184605',
    labels: {},
    descriptions: {},
    aliases: {},
    sitelinks: {},
    statements: parseStatements({ P577: raw }, new Set(['P577'])),
  };

  it('agrees with a record that states one of the release dates', () => {
    for (const date of ['2009-11-13', '2009-11-12', '2009-11-11'])
      expect(of(diff(record({ qid: 'Q184605', facts: { published: date } }), film), 'published')).toEqual([]);
  });

  it('ignores end times on facts of the past: a publication date never ends', () => {
    expect(fields.find((f) => f.name === 'published')?.current).toBe(false);
    const endTime = (film.statements.P577 ?? [])[0]?.qualifiers.P291?.[0]; // any snak shape; replaced below
    expect(endTime).toBeDefined();
    const ended = {
      ...film,
      statements: {
        P577: (film.statements.P577 ?? []).map((s) => ({
          ...s,
          qualifiers: {
            ...s.qualifiers,
            P582: [
              {
                snaktype: 'value' as const,
                value: {
                  type: 'time' as const,
                  time: '+2010-01-01T00:00:00Z',
                  precision: 11,
                  calendar: 'gregorian',
                  value: { year: 2010, month: 1, day: 1, precision: 'day' as const },
                },
              },
            ],
          },
        })),
      },
    };
    expect(
      of(diff(record({ qid: 'Q184605', facts: { published: '2009-11-13' } }), ended), 'published'),
    ).toEqual([]);
  });

  it('adds the earliest release date when the record has none, the others in the evidence', () => {
    const [finding] = of(diff(record({ qid: 'Q184605' }), film), 'published');
    expect(finding).toMatchObject({ kind: 'add', remote: '2009-11-11' });
    expect(finding?.evidence.alternatives?.map((a) => a.value).sort()).toEqual(['2009-11-12', '2009-11-13']);
    expect(finding?.evidence.qualifiers?.P291).toEqual([{ id: 'Q142' }]);
  });
});

describe('Wikipedia titles that redirect', () => {
  const astronomy = believe(
    parsePages(wikimediaCapture('invented_enwiki_query_redirect_tofragment_pageprops.json'), 'en', [
      'Stellar_astronomy',
    ]),
  ).get('Stellar_astronomy') as WikipediaPage;

  it('reads a redirect to a section (real shape: WyQi capture)', () => {
    const real = wikimediaCapture('wyqi_enwiki_prefixsearch_redirect_tofragment.json') as {
      query: { redirects: unknown };
    };
    expect(queryEnvelopeProblem(real)).toBeUndefined();
    const hops = redirectHops(real.query.redirects);
    expect(hops.get('Nikola Tesla (Sanctuary)')).toEqual({
      to: 'Characters of Sanctuary',
      fragment: 'Nikola Tesla',
    });
    expect(hops.get('Nikola Tesla (airport)')).toEqual({ to: 'Belgrade Nikola Tesla Airport' });
    expect(astronomy).toMatchObject({
      title: 'Astronomy',
      redirectFragment: 'Stellar',
      wikibaseItem: 'Q333',
    });
  });

  it('calls a redirect to a section a mismatch naming the page and its item, never a move', () => {
    const remote: RemoteItem = {
      kind: 'item',
      id: 'Q842015',
      requested: 'Q842015',
      labels: {},
      descriptions: {},
      aliases: {},
      sitelinks: {},
      statements: {},
    };
    const local = record({ qid: 'Q842015', wikipedia: { lang: 'en', title: 'Stellar astronomy' } });
    const findings = of(diff(local, remote, new Map(), astronomy), 'wikipedia');
    expect(findings).toMatchObject([
      {
        kind: 'mismatch',
        local: { lang: 'en', title: 'Stellar astronomy' },
        remote: { lang: 'en', title: 'Astronomy', fragment: 'Stellar', item: { id: 'Q333' } },
        evidence: { url: 'https://en.wikipedia.org/wiki/Astronomy#Stellar' },
      },
    ]);
    // Even when the section's page is the record's own item's, a part of a page is not the article.
    const own = { ...remote, id: 'Q333' as const, requested: 'Q333' as const };
    expect(
      of(
        diff(
          record({ qid: 'Q333', wikipedia: { lang: 'en', title: 'Stellar astronomy' } }),
          own,
          new Map(),
          astronomy,
        ),
        'wikipedia',
      ),
    ).toMatchObject([{ kind: 'mismatch' }]);
  });

  it('calls a whole-page redirect to the same item a move', () => {
    const moved = { ...astronomy, redirectFragment: undefined } as WikipediaPage;
    const remote: RemoteItem = {
      kind: 'item',
      id: 'Q333',
      requested: 'Q333',
      labels: {},
      descriptions: {},
      aliases: {},
      sitelinks: {},
      statements: {},
    };
    const findings = of(
      diff(
        record({ qid: 'Q333', wikipedia: { lang: 'en', title: 'Stellar astronomy' } }),
        remote,
        new Map(),
        moved,
      ),
      'wikipedia',
    );
    expect(findings.filter((f) => f.kind === 'moved')).toMatchObject([
      { remote: { lang: 'en', title: 'Astronomy' } },
    ]);
    expect(findings.filter((f) => f.kind === 'mismatch')).toEqual([]);
  });
});
