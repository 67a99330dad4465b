// QuickStatements output checked against the V1 command syntax as its parsers read it
// (magnusmanske/quickstatements public_html/quickstatements.php parseValueV1; quickstatements3
// parsers/base.py): the regular expressions below are theirs.

import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../src/model/proposal.js';
import {
  quickStatementsString,
  quickStatementsTime,
  toQuickStatements,
  wikipediaSiteId,
  writeQuickStatements,
} from '../../src/sinks/export/quickstatements.js';
import { testConfig } from '../helpers/config.js';

const fields = testConfig().fields;

const QS_TIME = /^([+-]?)(\d+)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z\/?(\d*)$/i;
const QS_STRING = /^"(.*)"$/;

const evidence = {
  source: 'wikidata' as const,
  url: 'https://www.wikidata.org/wiki/Q124544998',
  revision: 2212345678,
  retrievedAt: '2026-11-25T03:00:00Z',
};

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
      'Q124544998\tP6949\t+2024-02-15T00:00:00Z/11',
    ]);
    expect(lines(proposal({ field: 'published', property: 'P577', local: '2024-12' }))).toEqual([
      'Q124544998\tP577\t+2024-12-00T00:00:00Z/10',
    ]);
    expect(lines(proposal({ field: 'inception', property: 'P571', local: '2024' }))).toEqual([
      'Q124544998\tP571\t+2024-00-00T00:00:00Z/9',
    ]);
  });

  it('writes times the QuickStatements time pattern reads back at the same precision', () => {
    for (const [time, precision] of [
      [{ year: 2024, month: 2, day: 15, precision: 'day' as const }, '11'],
      [{ year: 2024, month: 2, precision: 'month' as const }, '10'],
      [{ year: 2024, precision: 'year' as const }, '9'],
      [{ year: -500, precision: 'year' as const }, '9'],
    ] as const) {
      const match = QS_TIME.exec(quickStatementsTime(time));
      expect(match?.[8]).toBe(precision);
    }
    expect(quickStatementsTime({ year: -500, precision: 'year' })).toBe('-0500-00-00T00:00:00Z/9');
  });

  it('adds an item by its QID, a URL as a quoted string', () => {
    expect(
      lines(
        proposal({ field: 'followedBy', property: 'P156', local: { id: 'Q136505399', label: 'Sora 2' } }),
      ),
    ).toEqual(['Q124544998\tP156\tQ136505399']);
    expect(lines(proposal({ field: 'website', property: 'P856', local: 'https://openai.com/sora' }))).toEqual(
      ['Q124544998\tP856\t"https://openai.com/sora"'],
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
      lines: ['Q124544998\tP178\tQ2283'],
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
    ).toEqual(['Q124544998\tP31\tQ7397', 'Q124544998\tP31\tQ11016']);
  });

  it('skips a date that only refines the existing statement', () => {
    const reason = skipped(
      proposal({ field: 'announced', property: 'P6949', local: '2024-02-15', remote: '2024-02' }),
    );
    expect(reason).toMatch(/refines the existing value "2024-02"/);
  });

  it('adds S854 and S813 when the caller knows a real source', () => {
    const p = proposal({ field: 'announced', property: 'P6949', local: '2024-02-15' });
    expect(
      lines(p, {
        reference: () => ({ url: 'https://openai.com/index/sora/', retrieved: '2026-11-25T03:00:00Z' }),
      }),
    ).toEqual([
      'Q124544998\tP6949\t+2024-02-15T00:00:00Z/11\tS854\t"https://openai.com/index/sora/"\tS813\t+2026-11-25T00:00:00Z/11',
    ]);
    const bad = toQuickStatements(p, fields, { reference: () => ({ url: 'cards/sora.md' }) });
    expect(bad).toEqual({
      lines: ['Q124544998\tP6949\t+2024-02-15T00:00:00Z/11'],
      omitted: ['reference left out: reference URL "cards/sora.md" is not an http(s) URL'],
    });
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

  it('refuses what a command line cannot carry, and says why', () => {
    for (const [text, why] of [
      ['text-to-video\tmodel', /tab or line break/],
      ['text-to-video\nmodel', /tab or line break/],
      ['video | image model', /"\|"/],
      ['the “Sora” model', /curly double quote/],
      ['""quoted""', /external id/],
      ['  ', /empty string/],
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
  it('streams one command a line and reports what it skipped', async () => {
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
      proposal({ field: 'label', local: 'Sora' }),
    ];
    let text = '';
    const report = await writeQuickStatements(stream(proposals), fields, async (chunk) => {
      text += chunk;
    });
    expect(text).toBe(
      'Q124544998\tP6949\t+2024-02-15T00:00:00Z/11\nQ124544998\tP178\tQ21708200\nQ124544998\tLen\t"Sora"\n',
    );
    expect(report.exported).toBe(3);
    expect(report.lines).toBe(3);
    expect(report.skipped).toEqual([
      { id: 'p-followedBy', reason: expect.stringMatching(/not a Wikidata edit/) },
    ]);
    expect(report.incomplete).toEqual([{ id: 'p-developer', reason: expect.stringMatching(/has no QID/) }]);
    for (const line of text.trimEnd().split('\n')) {
      const columns = line.split('\t');
      expect(columns[0]).toMatch(/^Q\d+$/);
      expect(columns[1]).toMatch(/^(P\d+|[LD][a-z-]+|S[a-z_]+wiki)$/);
      expect(columns).toHaveLength(3);
    }
  });
});
