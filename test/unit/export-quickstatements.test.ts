// QuickStatements output checked against the V1 command syntax as its parsers read it: the regular
// expressions are theirs, loaded from test/fixtures/quickstatements/parsers.json (QuickStatements 2's
// PHP importer and Rust bot, QuickStatements 3; provenance in that folder's README).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Evidence, Proposal } from '../../src/model/proposal.js';
import {
  NO_REFERENCE,
  quickStatementsString,
  quickStatementsTime,
  toQuickStatements,
  wikipediaSiteId,
  writeQuickStatements,
} from '../../src/sinks/export/quickstatements.js';
import { testConfig } from '../support/config.js';

const fields = testConfig().fields;

const FIXTURES = new URL('../fixtures/quickstatements/', import.meta.url);
const parsers = JSON.parse(readFileSync(new URL('parsers.json', FIXTURES), 'utf8'));
const QS_TIME = new RegExp(parsers.qs3.time);
const QS2_TIME = new RegExp(parsers.qs2_php.time, 'i');
const QS_STRING = new RegExp(parsers.qs2_php.string);
const PAIR_KEY = new RegExp(parsers.qs2_php.referenceOrQualifierKey, 'i');
const BOT_COMMENT = new RegExp(parsers.qs2_rust_bot.comment);

const SOURCE = 'https://openai.com/index/sora/';
/** The reference every statement of a record citing SOURCE ends with, retrieved on its lastSeen day. */
const REF = `\tS854\t"${SOURCE}"\tS813\t+2026-11-25T00:00:00Z/11`;

const evidence: Evidence = {
  source: 'wikidata' as const,
  url: 'https://www.wikidata.org/wiki/Q124544998',
  revision: 2212345678,
  retrievedAt: '2026-11-25T03:00:00Z',
  citedSource: SOURCE,
};
const { citedSource: _, ...unsourced } = evidence;

/** The columns after the value as QuickStatements 2 reads them: [key, value] pairs, `S` = reference. */
function pairsOf(line: string): Array<[string, string]> {
  const columns = line.split('\t').slice(3);
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < columns.length; i += 2) pairs.push([columns[i] ?? '', columns[i + 1] ?? '']);
  expect(columns.length % 2, `an odd column is "Incomplete reference/qualifier list": ${line}`).toBe(0);
  return pairs;
}

function proposal(overrides: Partial<Proposal> & Pick<Proposal, 'field' | 'local'>): Proposal {
  return {
    id: `p-${overrides.field}`,
    entity: 'sora',
    label: 'Sora',
    qid: 'Q124544998',
    kind: 'upstream',
    remote: null,
    evidence,
    status: 'open',
    firstSeen: '2026-11-25T03:00:02Z',
    lastSeen: '2026-11-25T03:00:02Z',
    ...overrides,
  };
}

function lines(p: Proposal, options = {}): readonly string[] {
  const result = toQuickStatements(p, fields, options);
  if ('skipped' in result) throw new Error(`skipped: ${result.skipped}`);
  return result.lines;
}

function skipped(p: Proposal): string {
  const result = toQuickStatements(p, fields);
  if (!('skipped' in result)) throw new Error(`exported: ${result.lines.join(' / ')}`);
  return result.skipped;
}

async function* stream(proposals: readonly Proposal[]): AsyncIterable<Proposal> {
  yield* proposals;
}

describe('statements', () => {
  it('adds a date with its precision suffix: /11 day, /10 month, /9 year', () => {
    expect(lines(proposal({ field: 'announced', property: 'P6949', local: '2024-02-15' }))).toEqual([
      `Q124544998\tP6949\t+2024-02-15T00:00:00Z/11${REF}`,
    ]);
    expect(lines(proposal({ field: 'published', property: 'P577', local: '2024-12' }))).toEqual([
      `Q124544998\tP577\t+2024-12-00T00:00:00Z/10${REF}`,
    ]);
    expect(lines(proposal({ field: 'inception', property: 'P571', local: '2024' }))).toEqual([
      `Q124544998\tP571\t+2024-00-00T00:00:00Z/9${REF}`,
    ]);
  });

  it('writes times the QuickStatements time pattern reads back at the same precision', () => {
    for (const [time, precision] of [
      [{ year: 2024, month: 2, day: 15, precision: 'day' as const }, '11'],
      [{ year: 2024, month: 2, precision: 'month' as const }, '10'],
      [{ year: 2024, precision: 'year' as const }, '9'],
      [{ year: -500, precision: 'year' as const }, '9'],
    ] as const) {
      const written = quickStatementsTime(time);
      expect(QS_TIME.exec(written)?.[8]).toBe(precision);
      expect(QS2_TIME.exec(written)?.[8]).toBe(precision);
      expect(QS_TIME.exec(written)?.[9], 'no /J: Gregorian').toBeUndefined();
    }
    expect(quickStatementsTime({ year: -500, precision: 'year' })).toBe('-0500-00-00T00:00:00Z/9');
  });

  it("writes a record's year up to 1582 in the Julian calendar, as Wikibase would read it", () => {
    const [line] = lines(proposal({ field: 'inception', property: 'P571', local: '1500' }));
    const value = line?.split('\t')[2] ?? '';
    expect(value).toBe('+1500-00-00T00:00:00Z/9/J');
    expect(QS_TIME.exec(value)?.[9]).toBe('/J');
    expect(new RegExp(parsers.qs2_rust_bot.julian).test(value)).toBe(true);
    const [bce] = lines(proposal({ field: 'inception', property: 'P571', local: '-0500' }));
    expect(bce?.split('\t')[2]).toBe('-0500-00-00T00:00:00Z/9/J');
    const [gregorian] = lines(proposal({ field: 'inception', property: 'P571', local: '1583-01-01' }));
    expect(gregorian?.split('\t')[2]).toBe('+1583-01-01T00:00:00Z/11');
  });

  it('refuses a month or a day before 1583: the record does not say which calendar it meant', () => {
    for (const local of ['1500-03', '1582-10-04']) {
      expect(skipped(proposal({ field: 'inception', property: 'P571', local }))).toMatch(
        /before 1583.*Julian or Gregorian/,
      );
    }
  });

  it('adds an item by its QID, a URL as a quoted string', () => {
    expect(
      lines(
        proposal({ field: 'followedBy', property: 'P156', local: { id: 'Q136505399', label: 'Sora 2' } }),
      ),
    ).toEqual([`Q124544998\tP156\tQ136505399${REF}`]);
    expect(lines(proposal({ field: 'website', property: 'P856', local: 'https://openai.com/sora' }))).toEqual(
      [`Q124544998\tP856\t"https://openai.com/sora"${REF}`],
    );
  });

  it('skips an item known only by its label: QuickStatements needs a QID', () => {
    expect(skipped(proposal({ field: 'followedBy', property: 'P156', local: { label: 'Sora 2' } }))).toBe(
      "Sora 2 has no QID; QuickStatements needs the item's id",
    );
  });

  it('exports only the local values of a many-valued field that Wikidata lacks', () => {
    const result = toQuickStatements(
      proposal({
        field: 'developer',
        property: 'P178',
        kind: 'upstream',
        local: [
          { id: 'Q2283', label: 'Microsoft' },
          { id: 'Q21708200', label: 'OpenAI' },
          { label: 'OpenAI Research' },
        ],
        remote: [{ id: 'Q21708200', label: 'OpenAI' }],
      }),
      fields,
    );
    expect(result).toEqual({
      lines: [`Q124544998\tP178\tQ2283${REF}`],
      omitted: ["OpenAI Research has no QID; QuickStatements needs the item's id"],
    });
  });

  it('with no remote values, adds every local value of the set', () => {
    expect(
      lines(
        proposal({
          field: 'instanceOf',
          property: 'P31',
          local: [
            { id: 'Q7397', label: 'software' },
            { id: 'Q11016', label: 'technology' },
          ],
        }),
      ),
    ).toEqual([`Q124544998\tP31\tQ7397${REF}`, `Q124544998\tP31\tQ11016${REF}`]);
  });

  it('skips a date that only refines the existing statement', () => {
    const reason = skipped(
      proposal({ field: 'announced', property: 'P6949', local: '2024-02-15', remote: '2024-02' }),
    );
    expect(reason).toMatch(/refines the existing value "2024-02"/);
  });
});

describe('references', () => {
  it("cites the record's source as one reference: S854 reference URL, S813 retrieved at day precision", () => {
    const [line] = lines(proposal({ field: 'announced', property: 'P6949', local: '2024-02-15' }));
    expect(line).toBe(
      'Q124544998\tP6949\t+2024-02-15T00:00:00Z/11\tS854\t"https://openai.com/index/sora/"\tS813\t+2026-11-25T00:00:00Z/11',
    );
    const pairs = pairsOf(line ?? '');
    expect(pairs.map(([key]) => PAIR_KEY.exec(key)?.[1])).toEqual(['S', 'S']);
    const [[, url], [, retrieved]] = pairs as [[string, string], [string, string]];
    expect(QS_STRING.exec(url)?.[1]).toBe(SOURCE);
    expect(QS_TIME.exec(retrieved)?.[8]).toBe('11');
  });

  it('dates the reference on the day the proposal was last seen, not the day it was first found', () => {
    const p = proposal({
      field: 'followedBy',
      property: 'P156',
      local: { id: 'Q136505399' },
      firstSeen: '2026-10-01T03:00:00Z',
      lastSeen: '2026-12-02T23:59:59Z',
    });
    expect(lines(p)).toEqual([
      `Q124544998\tP156\tQ136505399\tS854\t"${SOURCE}"\tS813\t+2026-12-02T00:00:00Z/11`,
    ]);
  });

  it('writes the statement without a reference when the record names no source, and says so', () => {
    const p = proposal({
      field: 'announced',
      property: 'P6949',
      local: '2024-02-15',
      evidence: unsourced,
    });
    expect(toQuickStatements(p, fields)).toEqual({
      lines: ['Q124544998\tP6949\t+2024-02-15T00:00:00Z/11'],
      omitted: [NO_REFERENCE],
    });
    expect(NO_REFERENCE).toMatch(/\*\*Source\*\*/);
  });

  it('leaves out a source QuickStatements cannot carry, and says why', () => {
    for (const [citedSource, why] of [
      ['cards/sora.md', /not an http\(s\) URL/],
      ['https://example.org/a|b', /"\|"/],
      ['https://example.org/*/x/*', /comment/],
    ] as const) {
      const p = proposal({
        field: 'announced',
        property: 'P6949',
        local: '2024-02-15',
        evidence: { ...evidence, citedSource },
      });
      const result = toQuickStatements(p, fields);
      if ('skipped' in result) throw new Error(result.skipped);
      expect(result.lines).toEqual(['Q124544998\tP6949\t+2024-02-15T00:00:00Z/11']);
      expect(result.omitted?.[0]).toMatch(/^reference left out: /);
      expect(result.omitted?.[0]).toMatch(why);
    }
  });

  it('gives labels, descriptions and sitelinks no reference: QuickStatements has none for them', () => {
    expect(lines(proposal({ field: 'label', local: 'Sora' }))).toEqual(['Q124544998\tLen\t"Sora"']);
  });

  it("reads the bot's own test batch the same way: one S854 reference after the value", () => {
    const batch = readFileSync(new URL('quickstatements_rs_commands.qs', FIXTURES), 'utf8');
    const cited = batch.split('\n').find((line) => /\tS854\t/.test(line)) ?? '';
    const pairs = pairsOf(cited);
    expect(pairs.map(([key]) => key)).toEqual(['S854']);
    expect(QS_STRING.test(pairs[0]?.[1] ?? '')).toBe(true);
  });
});

describe('labels, descriptions and sitelinks', () => {
  it('writes Len / Den in the configured language and Senwiki for the page', () => {
    expect(lines(proposal({ field: 'label', local: 'Sora' }))).toEqual(['Q124544998\tLen\t"Sora"']);
    expect(
      lines(proposal({ field: 'description', local: 'text-to-video model' }), { language: 'de' }),
    ).toEqual(['Q124544998\tDde\t"text-to-video model"']);
    expect(
      lines(proposal({ field: 'wikipedia', local: { lang: 'en', title: 'Sora (text-to-video model)' } })),
    ).toEqual(['Q124544998\tSenwiki\t"Sora (text-to-video model)"']);
    expect(wikipediaSiteId('zh-yue')).toBe('zh_yuewiki');
    expect(wikipediaSiteId('be-tarask')).toBe('be_x_oldwiki');
  });
});

describe('strings', () => {
  it('leaves inner double quotes as they are: the parsers match ^"(.*)"$ greedily, with no escapes', () => {
    const text = 'OpenAI\'s "world simulator", announced 2024';
    const [line] = lines(proposal({ field: 'description', local: text }));
    const value = line?.split('\t')[2] ?? '';
    expect(QS_STRING.exec(value)?.[1]).toBe(text);
  });

  it('refuses "/* … */": the bot would cut it out of the line as an edit summary', () => {
    const text = 'model /* beta */ release';
    const naive = `Q124544998\tDen\t"${text}"`;
    // What the bot does to a line that carried it: the value loses its middle.
    const cut = BOT_COMMENT.exec(naive);
    expect(`${cut?.[1]}${cut?.[3]}`).toBe('Q124544998\tDen\t"model  release"');
    expect(skipped(proposal({ field: 'description', local: text }))).toMatch(/comment/);
  });

  it('refuses what a command line cannot carry, and says why', () => {
    for (const [text, why] of [
      ['text-to-video\tmodel', /tab or line break/],
      ['text-to-video\nmodel', /tab or line break/],
      ['video | image model', /"\|"/],
      ['the “Sora” model', /curly double quote/],
      ['""quoted""', /external id/],
      ['  ', /empty string/],
      ['model /* beta */ release', /comment/],
      ['https://example.org/a*/b', /comment/],
    ] as const) {
      const result = quickStatementsString(text);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(why);
    }
    expect(skipped(proposal({ field: 'description', local: 'video | image model' }))).toMatch(
      /column separator/,
    );
  });
});

describe('what is not a Wikidata edit', () => {
  it.each([
    ['add', /not a Wikidata edit/],
    ['update', /Mismatch Finder/],
    ['conflict', /ambiguous/],
    ['local-conflict', /contradicts itself/],
    ['redirect', /merged/],
    ['missing', /does not exist/],
    ['moved', /moved/],
    ['mismatch', /another item/],
  ] as const)('skips %s', (kind, why) => {
    expect(
      skipped(proposal({ field: 'followedBy', property: 'P156', kind, local: { id: 'Q136505399' } })),
    ).toMatch(why);
  });

  it('skips proposals a reviewer decided "none" or that no longer hold; carries wikidata and both', () => {
    const p = proposal({ field: 'followedBy', property: 'P156', local: { id: 'Q136505399' } });
    expect(skipped({ ...p, status: 'decided', side: 'none' })).toMatch(/decided "none"/);
    expect(skipped({ ...p, status: 'resolved' })).toMatch(/no longer holds/);
    expect(lines({ ...p, status: 'decided', side: 'wikidata' })).toHaveLength(1);
    expect(lines({ ...p, status: 'applied', side: 'both' })).toHaveLength(1);
  });
});

describe('writeQuickStatements', () => {
  it('streams one command a line and reports what it skipped or wrote without a reference', async () => {
    const proposals = [
      proposal({ field: 'announced', property: 'P6949', local: '2024-02-15' }),
      proposal({
        field: 'followedBy',
        property: 'P156',
        kind: 'add',
        local: null,
        remote: { id: 'Q136505399' },
      }),
      proposal({
        field: 'developer',
        property: 'P178',
        local: [{ id: 'Q21708200', label: 'OpenAI' }, { label: 'OpenAI Research' }],
      }),
      proposal({ field: 'website', property: 'P856', local: 'https://openai.com/sora', evidence: unsourced }),
      proposal({ field: 'label', local: 'Sora' }),
    ];
    let text = '';
    const report = await writeQuickStatements(stream(proposals), fields, async (chunk) => {
      text += chunk;
    });
    expect(text).toBe(
      [
        `Q124544998\tP6949\t+2024-02-15T00:00:00Z/11${REF}`,
        `Q124544998\tP178\tQ21708200${REF}`,
        'Q124544998\tP856\t"https://openai.com/sora"',
        'Q124544998\tLen\t"Sora"',
        '',
      ].join('\n'),
    );
    expect(report.exported).toBe(4);
    expect(report.lines).toBe(4);
    expect(report.skipped).toEqual([
      { id: 'p-followedBy', reason: expect.stringMatching(/not a Wikidata edit/) },
    ]);
    expect(report.incomplete).toEqual([
      { id: 'p-developer', reason: expect.stringMatching(/has no QID/) },
      { id: 'p-website', reason: NO_REFERENCE },
    ]);
    for (const line of text.trimEnd().split('\n')) {
      const columns = line.split('\t');
      expect(columns[0]).toMatch(/^Q\d+$/);
      expect(columns[1]).toMatch(/^(P\d+|[LD][a-z-]+|S[a-z_]+wiki)$/);
      for (const [key] of pairsOf(line)) expect(key).toMatch(/^S(854|813)$/);
    }
  });
});
