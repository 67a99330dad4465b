import { describe, expect, it } from 'vitest';
import type { ItemId } from '../../src/model/ids.js';
import { bestStatements, type RemoteItem } from '../../src/model/remote.js';
import { parseEntities, parseLabels, parseRevisions } from '../../src/sources/wikidata-parse.js';
import { parseStatements, wikidataTime } from '../../src/sources/wikidata-statements.js';
import { entitiesEnvelopeProblem, queryEnvelopeProblem } from '../../src/sources/wikidata-validate.js';
import { wikimediaFixture } from '../support/fixtures.js';
import { believe } from '../support/parsed.js';

function item(file: string, id: ItemId): RemoteItem {
  const lookup = parseEntities(wikimediaFixture(file), [id]).get(id);
  if (lookup?.kind !== 'item') throw new Error(`${id} is not an item in ${file}`);
  return lookup;
}

const sora = item('wbgetentities_Q124544998.json', 'Q124544998');
const values = (statements: readonly { value?: unknown }[]) => statements.map((s) => s.value);

describe('wbgetentities items', () => {
  it('keeps info, terms and sitelinks', () => {
    expect(sora).toMatchObject({
      kind: 'item',
      id: 'Q124544998',
      requested: 'Q124544998',
      labels: { en: 'Sora' },
      sitelinks: { enwiki: { title: 'Sora (text-to-video model)' } },
    });
    expect(sora.lastrevid).toBeGreaterThan(2_000_000_000);
    expect(sora.redirectedFrom).toBeUndefined();
  });

  it('keeps every rank and the statement ids', () => {
    expect(sora.statements.P31?.map((s) => s.rank)).toEqual(['normal', 'normal', 'normal', 'deprecated']);
    expect(sora.statements.P156?.[0]?.id).toMatch(/^Q124544998\$/);
  });

  it('keeps the precision of each time value', () => {
    expect(sora.statements.P571?.[0]?.value).toMatchObject({
      type: 'time',
      time: '+2024-02-00T00:00:00Z',
      precision: 10,
      calendar: 'gregorian',
      value: { year: 2024, month: 2, precision: 'month' },
    });
    expect(sora.statements.P6949?.[0]?.value).toMatchObject({
      precision: 11,
      value: { year: 2024, month: 2, day: 15 },
    });
    const dalle = item('wbgetentities_novalue_Q105078662.json', 'Q105078662');
    expect(dalle.statements.P577?.[0]?.value).toMatchObject({
      precision: 9,
      value: { year: 2021, precision: 'year' },
    });
  });

  it('tells somevalue and novalue from a value', () => {
    expect(sora.statements.P138?.[0]).toMatchObject({ snaktype: 'somevalue' });
    expect(sora.statements.P138?.[0]?.value).toBeUndefined();
    const dalle = item('wbgetentities_novalue_Q105078662.json', 'Q105078662');
    expect(dalle.statements.P156?.[0]).toMatchObject({ snaktype: 'novalue' });
  });

  it('keeps qualifiers', () => {
    const openai = item('wbgetentities_Q21708200.json', 'Q21708200');
    expect(openai.statements.P159?.[0]?.qualifiers.P580?.[0]?.value).toMatchObject({
      type: 'time',
      precision: 9,
    });
    expect(openai.statements.P1448?.[0]?.value).toEqual({
      type: 'monolingualtext',
      text: 'OpenAI',
      language: 'en',
    });
  });

  it('reads a missing and a merged item in one batch, keyed by the requested ids', () => {
    const batch = parseEntities(wikimediaFixture('wbgetentities_mixed_batch.json'), [
      'Q124544998',
      'Q999999901',
      'Q120281745',
    ]);
    expect(batch.get('Q999999901')).toEqual({ kind: 'missing', requested: 'Q999999901' });
    expect(batch.get('Q120281745')).toMatchObject({
      kind: 'item',
      id: 'Q124544998',
      requested: 'Q120281745',
      redirectedFrom: 'Q120281745',
    });
    expect(batch.get('Q124544998')).toMatchObject({ kind: 'item', id: 'Q124544998' });
  });

  it('reports an id the response does not mention as unreadable, not missing: only the marker says missing', () => {
    expect(parseEntities({ entities: {}, success: 1 }, ['Q5']).get('Q5')).toEqual({
      kind: 'unreadable',
      requested: 'Q5',
      reason: 'Q5 was asked for and not answered',
    });
  });
});

describe('statements, simplified when first read', () => {
  const claims =
    (
      wikimediaFixture('wbgetentities_Q124544998.json') as {
        entities: Record<string, { claims: Record<string, unknown> }>;
      }
    ).entities.Q124544998?.claims ?? {};

  it('list every property, and read as plain data', () => {
    const statements = parseStatements(claims);
    expect(Object.keys(statements)).toEqual(Object.keys(claims));
    const copy = JSON.parse(JSON.stringify(statements));
    expect(copy).toEqual(sora.statements);
    expect(statements).toEqual(copy);
    expect(statements.P31).toBe(statements.P31);
  });

  it('keep only the properties asked for, as plain data', () => {
    const wanted = new Set(['P31', 'P571', 'P9999']);
    const statements = parseStatements(claims, wanted);
    expect(Object.keys(statements)).toEqual(['P31', 'P571']);
    expect(statements.P31).toEqual(sora.statements.P31);
    expect(Object.getOwnPropertyDescriptor(statements, 'P31')?.get).toBeUndefined();
    const batch = parseEntities(wikimediaFixture('wbgetentities_Q124544998.json'), ['Q124544998'], {
      properties: wanted,
    }).get('Q124544998');
    expect(batch?.kind === 'item' && batch.statements).toEqual({
      P31: sora.statements.P31,
      P571: sora.statements.P571,
    });
  });

  it('never simplify a property nobody reads', () => {
    // wikibase-sdk throws on a snak with neither a datavalue nor a special snaktype.
    const broken = {
      ...claims,
      P9999: [{ mainsnak: { snaktype: 'bogus', property: 'P9999' }, rank: 'normal' }],
    };
    const statements = parseStatements(broken);
    expect(statements.P571?.[0]?.value).toMatchObject({ type: 'time', precision: 10 });
    expect(() => statements.P9999).toThrow(/no datavalue/);
  });
});

describe('ranks (SPEC §3)', () => {
  it('counts preferred statements over normal ones', () => {
    const openai = item('wbgetentities_Q21708200.json', 'Q21708200');
    expect(values(bestStatements(openai.statements.P856 ?? []))).toEqual([
      { type: 'string', datatype: 'url', value: 'https://openai.com/' },
    ]);
  });

  it('never counts deprecated statements', () => {
    const best = bestStatements(sora.statements.P31 ?? []);
    expect(best).toHaveLength(3);
    expect(best.every((s) => s.rank === 'normal')).toBe(true);
    const deprecated = sora.statements.P31?.filter((s) => s.rank === 'deprecated') ?? [];
    expect(deprecated).toHaveLength(1);
    expect(bestStatements(deprecated)).toEqual([]);
  });

  it('keeps several best-rank values (an ambiguous remote)', () => {
    const sora2 = item('wbgetentities_Q136505399.json', 'Q136505399');
    expect(bestStatements(sora2.statements.P577 ?? []).map((s) => s.rank)).toEqual([
      'preferred',
      'preferred',
    ]);
  });
});

describe('Wikidata time values', () => {
  it.each([
    ['+2024-02-15T00:00:00Z', 11, { year: 2024, month: 2, day: 15, precision: 'day' }],
    ['+2024-02-00T00:00:00Z', 10, { year: 2024, month: 2, precision: 'month' }],
    ['+1990-00-00T00:00:00Z', 9, { year: 1990, precision: 'year' }],
    ['+1990-11-00T00:00:00Z', 11, { year: 1990, month: 11, precision: 'month' }],
    ['+00000002013-12-07T00:00:00Z', 11, { year: 2013, month: 12, day: 7, precision: 'day' }],
    ['-0500-00-00T00:00:00Z', 9, { year: -500, precision: 'year' }],
  ])('%s at precision %i', (time, precision, expected) => {
    expect(wikidataTime(time, precision)).toEqual(expected);
  });

  it('has no year/month/day value when coarser than a year', () => {
    expect(wikidataTime('-13798000000-00-00T00:00:00Z', 3)).toBeUndefined();
    expect(wikidataTime('+2010-00-00T00:00:00Z', 8)).toBeUndefined();
  });
});

describe('labels and revisions', () => {
  it('reads labels and aliases of referenced items', () => {
    const labels = believe(
      parseLabels(wikimediaFixture('wbgetentities_labels_batch.json'), ['Q21708200', 'Q136505399']),
    );
    expect(labels.get('Q21708200')).toEqual({
      id: 'Q21708200',
      labels: { en: 'OpenAI' },
      aliases: { en: ['OpenAI Inc.', 'Open AI', 'OpenAI LP'] },
    });
    expect(labels.get('Q136505399')?.labels.en).toBe('Sora 2');
  });

  it.each(['query_info_wikidata_batch.json', 'query_info_wikidata_batch_fv1.json'])(
    'reads lastrevid, merges and missing items from %s',
    (file) => {
      const revisions = believe(
        parseRevisions(wikimediaFixture(file), ['Q124544998', 'Q21708200', 'Q120281745', 'Q999999901']),
      );
      expect(revisions.get('Q21708200')).toEqual({
        requested: 'Q21708200',
        id: 'Q21708200',
        missing: false,
        lastrevid: 2396826533,
      });
      expect(revisions.get('Q120281745')).toMatchObject({
        id: 'Q124544998',
        redirectedFrom: 'Q120281745',
        missing: false,
      });
      expect(revisions.get('Q120281745')?.lastrevid).toBe(revisions.get('Q124544998')?.lastrevid);
      expect(revisions.get('Q999999901')).toEqual({
        requested: 'Q999999901',
        id: 'Q999999901',
        missing: true,
      });
    },
  );
});

describe('answers that are well-formed but cannot be believed (each a failure of its entity, never a finding)', () => {
  const sora = () =>
    structuredClone(
      (
        wikimediaFixture('wbgetentities_Q124544998.json') as {
          entities: Record<string, Record<string, unknown>>;
        }
      ).entities.Q124544998 as Record<string, unknown>,
    );
  const answer = (entity: unknown) => ({ entities: { Q124544998: entity }, success: 1 });
  const reason = (body: unknown, id = 'Q124544998') => {
    const found = parseEntities(body, [id as 'Q124544998'], { withInfo: true }).get(id as 'Q124544998');
    return found?.kind === 'unreadable' ? found.reason : `read as ${found?.kind}`;
  };

  it('refuses an answer with no entities map as a whole', () => {
    expect(entitiesEnvelopeProblem({ batchcomplete: '' })).toMatch(/no "entities" map/);
    expect(entitiesEnvelopeProblem({ entities: null })).toMatch(/no "entities" map/);
    expect(entitiesEnvelopeProblem([])).toMatch(/not a JSON object/);
    expect(entitiesEnvelopeProblem(wikimediaFixture('wbgetentities_Q124544998.json'))).toBeUndefined();
  });

  it('refuses a label that is an object, and a label in another language without for-language', () => {
    const entity = sora();
    (entity.labels as Record<string, unknown>).en = { language: 'en', value: { text: 'Sora' } };
    expect(reason(answer(entity))).toMatch(/labels\.en\.value: .*string/);
    const other = sora();
    (other.labels as Record<string, unknown>).en = { language: 'de', value: 'Sora' };
    expect(reason(answer(other))).toMatch(/labels\.en: a term in "de" listed under "en"/);
  });

  type Claim = { mainsnak: { datavalue: { value: unknown } } };
  const firstClaim = (entity: Record<string, unknown>, property: string) =>
    ((entity.claims as Record<string, Claim[]>)[property] as Claim[])[0] as Claim;

  it('refuses an impossible time', () => {
    const entity = sora();
    (firstClaim(entity, 'P577').mainsnak.datavalue.value as { time: string }).time =
      '+100000000000000000-13-45T00:00:00Z';
    expect(reason(answer(entity))).toMatch(
      /claims\.P577\[0\]\.mainsnak\.datavalue\.value\.time: .*not a Wikibase time/,
    );
    const month = sora();
    (firstClaim(month, 'P577').mainsnak.datavalue.value as { time: string }).time = '+2024-13-45T00:00:00Z';
    expect(reason(answer(month))).toMatch(/month 13, day 45/);
  });

  it('refuses an entity answered under another id without a redirects entry', () => {
    const body = { entities: { Q124544998: { ...sora(), id: 'Q21708200', title: 'Q21708200' } }, success: 1 };
    expect(reason(body)).toBe('Q124544998: answered as Q21708200, with no "redirects" entry');
  });

  it('refuses claims that are not a map of statements, and a value of the wrong type', () => {
    expect(reason(answer({ ...sora(), claims: [1, 2, 3] }))).toMatch(/^Q124544998: claims/);
    const entity = sora();
    firstClaim(entity, 'P856').mainsnak.datavalue.value = { url: 'x' };
    expect(reason(answer(entity))).toMatch(/claims\.P856\[0\]\.mainsnak\.datavalue\.value: .*string/);
  });

  it('refuses a label holding a control character or U+0000 (Wikibase never stores them)', () => {
    const entity = sora();
    (entity.labels as Record<string, unknown>).en = { language: 'en', value: 'So\u0000ra' };
    expect(reason(answer(entity))).toMatch(/U\+0000/);
    const terminal = sora();
    (terminal.labels as Record<string, unknown>).en = { language: 'en', value: '\u001b]0;TITLE\u0007' };
    expect(reason(answer(terminal))).toMatch(/U\+001B/);
  });

  it('accepts the empty containers of older answers ([]) and refuses a lastrevid missing when info was asked', () => {
    expect(reason(answer({ ...sora(), aliases: [], sitelinks: [] }))).toBe('read as item');
    const { lastrevid: _, ...noRevision } = sora();
    expect(reason(answer(noRevision))).toMatch(/no lastrevid/);
  });

  it('refuses a revision check that does not account for an id', () => {
    const revisions = parseRevisions({ batchcomplete: true, query: { pages: [] } }, ['Q5']);
    expect(revisions.get('Q5')).toEqual({
      kind: 'unreadable',
      requested: 'Q5',
      reason: 'Q5 was asked for and not answered',
    });
    expect(queryEnvelopeProblem({ batchcomplete: true })).toMatch(/no "query" map/);
  });
});
