// Mismatch Finder output checked against its import format (wmde/wikidata-mismatch-finder
// docs/UserGuide.md, config/mismatches.php, app/Rules/*): the exact header, eight columns on every
// row, RFC 4180 quoting, and the validation rules the importer applies.

import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../src/model/proposal.js';
import { csvField, phpCsvHazard } from '../../src/sinks/export/csv.js';
import {
  type MismatchRow,
  toMismatchRows,
  writeMismatchFinder,
} from '../../src/sinks/export/mismatch-finder.js';
import { testConfig } from '../support/config.js';

const fields = testConfig().fields;
const HEADER =
  'item_id,statement_guid,property_id,wikidata_value,meta_wikidata_value,external_value,external_url,type';
const GUID = 'Q124544998$4ec97866-4a24-08a5-6065-b2a2d3dc5839';
// The importer's rules (config/mismatches.php).
const GUID_FORMAT = /^Q\d+\$[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  expect(record).toEqual([]);
  return records;
}

const evidence = (statementId?: string) => ({
  source: 'wikidata' as const,
  url: `https://www.wikidata.org/wiki/Q124544998${statementId ? `#${statementId}` : ''}`,
  revision: 2212345678,
  retrievedAt: '2026-11-25T03:00:00Z',
  ...(statementId ? { statementId } : {}),
});

function proposal(
  overrides: Partial<Proposal> & Pick<Proposal, 'field' | 'kind' | 'local' | 'remote'>,
): Proposal {
  return {
    id: `p-${overrides.field}-${overrides.kind}`,
    entity: 'sora',
    label: 'Sora',
    qid: 'Q124544998',
    evidence: evidence(overrides.remote === null ? undefined : GUID),
    status: 'open',
    firstSeen: '2026-11-25T03:00:02Z',
    lastSeen: '2026-11-25T03:00:02Z',
    ...overrides,
  };
}

function rows(p: Proposal, options = {}): readonly MismatchRow[] {
  const result = toMismatchRows(p, fields, options);
  if ('skipped' in result) throw new Error(`skipped: ${result.skipped}`);
  return result.rows;
}

function skipped(p: Proposal): string {
  const result = toMismatchRows(p, fields);
  if (!('skipped' in result)) throw new Error(`exported ${result.rows.length} rows`);
  return result.skipped;
}

async function* stream(proposals: readonly Proposal[]): AsyncIterable<Proposal> {
  yield* proposals;
}

const announcedUpdate = proposal({
  field: 'announced',
  property: 'P6949',
  kind: 'update',
  local: '2024-02-15',
  remote: '2024-02-14',
});

describe('update: Wikidata has a statement, the record says otherwise', () => {
  it("points at the statement, with Wikidata's value as an ISO date of its precision", () => {
    expect(rows(announcedUpdate)).toEqual([
      {
        item_id: 'Q124544998',
        statement_guid: GUID,
        property_id: 'P6949',
        wikidata_value: '2024-02-14',
        meta_wikidata_value: '',
        external_value: '2024-02-15',
        external_url: '',
        type: 'statement',
      },
    ]);
  });

  it("writes items as QIDs on the Wikidata side, label and QID on the record's", () => {
    const [row] = rows(
      proposal({
        field: 'followedBy',
        property: 'P156',
        kind: 'update',
        local: { id: 'Q136505399', label: 'Sora 2' },
        remote: { id: 'Q130000001', label: 'Sora Turbo' },
      }),
    );
    expect(row?.wikidata_value).toBe('Q130000001');
    expect(row?.external_value).toBe('Sora 2 (Q136505399)');
    expect(row?.statement_guid).toMatch(GUID_FORMAT);
  });

  it("is not a mismatch when Wikidata only states the record's date more precisely", () => {
    expect(skipped({ ...announcedUpdate, local: '2024-02', remote: '2024-02-15' })).toMatch(
      /more precise form/,
    );
  });

  it('takes item_id from the statement GUID, as the importer does', () => {
    const merged = { ...announcedUpdate, qid: 'Q120281745' as const };
    expect(rows(merged)[0]?.item_id).toBe('Q124544998');
  });

  it('skips when the statement cannot be named', () => {
    expect(skipped({ ...announcedUpdate, evidence: evidence() })).toMatch(/no statement GUID/);
    expect(
      skipped({ ...announcedUpdate, evidence: { ...evidence(), statementId: 'Q124544998$not-a-uuid' } }),
    ).toMatch(/not of the form/);
  });
});

describe('upstream: the record has a value Wikidata lacks', () => {
  it('leaves statement_guid and wikidata_value empty together', () => {
    expect(
      rows(
        proposal({
          field: 'website',
          property: 'P856',
          kind: 'upstream',
          local: 'https://openai.com/sora',
          remote: null,
        }),
      ),
    ).toEqual([
      {
        item_id: 'Q124544998',
        statement_guid: '',
        property_id: 'P856',
        wikidata_value: '',
        meta_wikidata_value: '',
        external_value: 'https://openai.com/sora',
        external_url: '',
        type: 'statement',
      },
    ]);
  });

  it('gives one row per local value of a set that Wikidata lacks, labels allowed', () => {
    const found = rows(
      proposal({
        field: 'developer',
        property: 'P178',
        kind: 'upstream',
        local: [
          { id: 'Q21708200', label: 'OpenAI' },
          { label: 'OpenAI Research' },
          { id: 'Q2283', label: 'Microsoft' },
        ],
        remote: [{ id: 'Q21708200', label: 'OpenAI' }],
        evidence: evidence(GUID),
      }),
    );
    expect(found.map((row) => [row.statement_guid, row.wikidata_value, row.external_value])).toEqual([
      ['', '', 'OpenAI Research'],
      ['', '', 'Microsoft (Q2283)'],
    ]);
  });

  it("points at the statement when the record's date refines Wikidata's", () => {
    const [row] = rows(
      proposal({
        field: 'announced',
        property: 'P6949',
        kind: 'upstream',
        local: '2024-02-15',
        remote: '2024-02',
      }),
    );
    expect([row?.statement_guid, row?.wikidata_value, row?.external_value]).toEqual([
      GUID,
      '2024-02',
      '2024-02-15',
    ]);
  });

  it('fills external_url from the caller, and only with a web URL', () => {
    const p = proposal({
      field: 'website',
      property: 'P856',
      kind: 'upstream',
      local: 'https://openai.com/sora',
      remote: null,
    });
    expect(rows(p, { externalUrl: () => 'https://kb.example.org/entities/sora' })[0]?.external_url).toBe(
      'https://kb.example.org/entities/sora',
    );
    const local = toMismatchRows(p, fields, { externalUrl: () => 'examples/cards/sora.md' });
    expect(local).toMatchObject({
      rows: [{ external_url: '' }],
      omitted: [expect.stringMatching(/not an http/)],
    });
  });
});

describe('what Mismatch Finder cannot take', () => {
  it.each([
    ['label', 'upstream', 'Sora', null, /not statements/],
    ['description', 'update', 'video model', 'text-to-video model', /not statements/],
    ['wikipedia', 'upstream', { lang: 'en', title: 'Sora (text-to-video model)' }, null, /not statements/],
    ['followedBy', 'add', null, { id: 'Q136505399' }, /nothing to report/],
    ['followedBy', 'conflict', { id: 'Q136505399' }, { snaktype: 'novalue' }, /ambiguous/],
    ['wikipedia', 'mismatch', { id: 'Q124544998' }, { id: 'Q120281745' }, /sitelink/],
  ] as const)('skips %s %s', (field, kind, local, remote, why) => {
    expect(skipped(proposal({ field, kind, local, remote }))).toMatch(why);
  });

  it("skips values over 1500 characters and values PHP's fgetcsv would misread", () => {
    const base = proposal({ field: 'website', property: 'P856', kind: 'upstream', local: '', remote: null });
    expect(skipped({ ...base, local: `https://openai.com/${'a'.repeat(1490)}` })).toMatch(/at most 1500/);
    expect(phpCsvHazard('C:\\"quoted\\"')).toMatch(/backslash/);
    expect(phpCsvHazard('a, b\\')).toMatch(/backslash/);
    expect(phpCsvHazard('C:\\path')).toBeUndefined();
  });

  it('skips proposals decided "none" or for the card, and snoozed ones', () => {
    expect(skipped({ ...announcedUpdate, status: 'decided', side: 'none' })).toMatch(/decided "none"/);
    expect(skipped({ ...announcedUpdate, status: 'decided', side: 'card' })).toMatch(
      /the card is what is wrong/,
    );
    expect(skipped({ ...announcedUpdate, status: 'snoozed', snoozedUntil: '2027-01-01' })).toBe(
      'snoozed until 2027-01-01',
    );
  });
});

describe('CSV', () => {
  it('quotes commas, double quotes and line breaks per RFC 4180 and nothing else', () => {
    expect(csvField('OpenAI')).toBe('OpenAI');
    expect(csvField('OpenAI, L.P.')).toBe('"OpenAI, L.P."');
    expect(csvField('the "Sora" model')).toBe('"the ""Sora"" model"');
    expect(csvField('line one\nline two')).toBe('"line one\nline two"');
  });

  it('writes the exact header, then eight columns on every row, and reads back the same values', async () => {
    const tricky = 'OpenAI, L.P. — "OpenAI LP"\nformerly a non-profit';
    const proposals = [
      announcedUpdate,
      proposal({
        field: 'developer',
        property: 'P178',
        kind: 'upstream',
        local: [{ label: tricky }, { id: 'Q21708200', label: 'OpenAI' }],
        remote: null,
      }),
      proposal({ field: 'label', kind: 'upstream', local: 'Sora', remote: null }),
    ];
    let text = '';
    const report = await writeMismatchFinder(stream(proposals), fields, async (chunk) => {
      text += chunk;
    });
    expect(text.startsWith(`${HEADER}\r\n`)).toBe(true);
    const records = parseCsv(text);
    expect(records[0]?.join(',')).toBe(HEADER);
    for (const record of records) expect(record).toHaveLength(8);
    expect(records.slice(1).map((r) => r[5])).toEqual(['2024-02-15', tricky, 'OpenAI (Q21708200)']);
    expect(report).toMatchObject({ exported: 2, rows: 3, exceedsUploadLimit: false });
    expect(report.bytes).toBe(Buffer.byteLength(text));
    expect(report.skipped).toEqual([
      { id: 'p-label-upstream', reason: expect.stringMatching(/not statements/) },
    ]);
    for (const record of records.slice(1)) {
      expect(record[0]).toMatch(/^Q\d+$/);
      expect(record[2]).toMatch(/^P\d+$/);
      expect(record[1] === '' || GUID_FORMAT.test(record[1] ?? '')).toBe(true);
      if (record[1] === '') expect(record[3]).toBe('');
      expect(record[7]).toBe('statement');
    }
  });
});
