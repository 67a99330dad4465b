// Accepted proposals written into JSONL records (the lines of examples/entities.jsonl, read at test
// time). Every new line is read back with the JSONL reader.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonlRecord } from '../../src/local/read/jsonl-record.js';
import { applyToJsonlLine } from '../../src/local/write/jsonl.js';
import type { Proposal } from '../../src/model/proposal.js';
import { type LocalRecord, recordToJson } from '../../src/model/record.js';
import { testConfig } from '../support/config.js';

const { fields } = testConfig();
const lines = readFileSync(new URL('../../examples/entities.jsonl', import.meta.url), 'utf8').split('\n');
const lineOf = (key: string) => {
  const line = lines.find((l) => l.startsWith(`{"key":"${key}"`));
  if (!line) throw new Error(`no line for ${key}`);
  return line;
};

function read(line: string): LocalRecord {
  const result = parseJsonlRecord(line, 'entities.jsonl', 1, fields);
  if (!result.ok) throw new Error(`expected a record, got: ${result.error.error}`);
  return result.record;
}

type Wanted = Pick<Proposal, 'field' | 'kind' | 'remote'> & Partial<Proposal>;

let sequence = 0;
function proposal(line: string, wanted: Wanted): Proposal {
  const json = JSON.parse(line) as { key: string; qid: Proposal['qid'] };
  sequence++;
  return {
    id: `j${sequence}`,
    entity: json.key,
    qid: json.qid,
    local: null,
    evidence: {
      source: 'wikidata',
      url: `https://www.wikidata.org/wiki/${json.qid}`,
      retrievedAt: '2025-10-01T03:00:00Z',
    },
    status: 'decided',
    side: 'card',
    firstSeen: '2025-10-01T03:00:00Z',
    lastSeen: '2025-10-01T03:00:00Z',
    ...wanted,
  };
}

function apply(line: string, wanted: Wanted[]) {
  const result = applyToJsonlLine(
    line,
    wanted.map((w) => proposal(line, w)),
    fields,
  );
  return { result, json: JSON.parse(result.line) as Record<string, unknown>, record: read(result.line) };
}

describe('facts in their JSONL forms', () => {
  const sora = lineOf('sora');

  it('sets a date, an item with id and label, a list and a URL, keeping the key order', () => {
    const { result, json, record } = apply(sora, [
      { field: 'announced', kind: 'update', local: '2024-02-15', remote: '2024-02-16' },
      {
        field: 'followedBy',
        kind: 'update',
        local: { label: 'Sora 2' },
        remote: { id: 'Q136505399', label: 'Sora 2' },
      },
      {
        field: 'instanceOf',
        kind: 'add',
        local: [{ label: 'text-to-video model' }],
        remote: [
          { id: 'Q1', label: 'diffusion model' },
          { id: 'Q2', label: 'text-to-video model' },
        ],
      },
      { field: 'website', kind: 'update', local: 'https://openai.com/sora', remote: 'https://sora.com/' },
    ]);
    // followedBy already named Sora 2: done without a change; the other three are written.
    expect(result.applied).toHaveLength(4);
    expect(result.skipped).toEqual([]);
    expect(Object.keys(json)).toEqual(Object.keys(JSON.parse(sora)));
    expect(Object.keys(json.facts as object)).toEqual(Object.keys(JSON.parse(sora).facts));
    expect(json.facts).toEqual({
      announced: '2024-02-16',
      followedBy: 'Sora 2',
      developer: ['OpenAI'],
      website: 'https://sora.com/',
      instanceOf: [
        { id: 'Q1', label: 'diffusion model' },
        { id: 'Q2', label: 'text-to-video model' },
      ],
    });
    expect(recordToJson(record, fields).facts).toMatchObject({
      announced: '2024-02-16',
      website: 'https://sora.com/',
    });
  });

  it('writes an item as {id, label} when the remote value has both, as a label when it has only that', () => {
    const { json } = apply(sora, [
      {
        field: 'followedBy',
        kind: 'update',
        local: { label: 'Sora 2' },
        remote: { id: 'Q9', label: 'Sora Turbo' },
      },
      { field: 'follows', kind: 'add', remote: { label: 'DALL-E 3' } },
    ]);
    expect(json.facts).toMatchObject({ followedBy: { id: 'Q9', label: 'Sora Turbo' }, follows: 'DALL-E 3' });
  });

  it('creates "facts" where a record has none, and keeps unknown keys where they were', () => {
    const line = '{"key":"veo","qid":"Q999999901","x-source":"import 7","label":"Veo"}';
    const { json } = apply(line, [{ field: 'announced', kind: 'add', remote: '2024-05' }]);
    expect(JSON.stringify(json)).toBe(
      '{"key":"veo","qid":"Q999999901","x-source":"import 7","label":"Veo","facts":{"announced":"2024-05"}}',
    );
  });
});

describe("the record's own keys", () => {
  it('label, description and wikipedia at the top level, new ones in the SPEC order', () => {
    const { json, record } = apply(lineOf('openai'), [
      { field: 'label', kind: 'update', local: 'OpenAI', remote: 'OpenAI, Inc.' },
      { field: 'description', kind: 'add', remote: 'American artificial intelligence research organization' },
      {
        field: 'wikipedia',
        kind: 'moved',
        local: { lang: 'en', title: 'OpenAI' },
        remote: { lang: 'en', title: 'OpenAI (company)' },
      },
    ]);
    expect(Object.keys(json)).toEqual(['key', 'qid', 'label', 'description', 'wikipedia', 'facts']);
    expect(record).toMatchObject({
      label: 'OpenAI, Inc.',
      description: 'American artificial intelligence research organization',
      wikipedia: { lang: 'en', title: 'OpenAI (company)' },
    });
  });

  it('redirect: the record takes the target QID, and a conflict it carried on the QID is settled', () => {
    const line =
      '{"key":"veo","qid":"Q999999901","label":"Veo","facts":{},"conflicts":[{"field":"qid","values":[{"value":"Q999999901","where":"header Wikidata link","line":5},{"value":"Q999999902","where":"JSON-LD sameAs","line":53}]}]}';
    const { json } = apply(line, [
      {
        field: 'qid',
        kind: 'redirect',
        local: { id: 'Q999999901' },
        remote: { id: 'Q999999902', label: 'Veo' },
      },
    ]);
    expect(json).toEqual({ key: 'veo', qid: 'Q999999902', label: 'Veo', facts: {} });
  });
});

describe('skips', () => {
  const chatgpt = lineOf('chatgpt');

  it('leaves the line byte for byte when nothing applies, with a reason per proposal', () => {
    const wanted: Wanted[] = [
      { field: 'published', kind: 'upstream', local: '2022-11-30', remote: null },
      { field: 'owner', kind: 'conflict', remote: { snaktype: 'novalue' } },
      { field: 'published', kind: 'update', local: '2022-12-01', remote: '2022-11-29' },
      { field: 'namedAfter', kind: 'add', remote: { snaktype: 'novalue' } },
    ];
    const result = applyToJsonlLine(
      chatgpt,
      wanted.map((w) => proposal(chatgpt, w)),
      fields,
    );
    expect(result.line).toBe(chatgpt);
    expect(result.skipped.map((s) => s.reason)).toEqual([
      'upstream proposals are edits for Wikidata, not for the JSONL record',
      expect.stringContaining('Wikidata is ambiguous here'),
      expect.stringContaining('the JSONL record changed since this proposal was made: it says "2022-11-30"'),
      'Wikidata states that there is no value (novalue): nothing to write',
    ]);
  });

  it('an unreadable record is left alone', () => {
    const bad = lineOf('bad-date');
    const result = applyToJsonlLine(
      bad,
      [proposal(bad, { field: 'published', kind: 'update', remote: '2023-03-14' })],
      fields,
    );
    expect(result).toEqual({
      line: bad,
      applied: [],
      skipped: [
        {
          id: expect.any(String),
          reason: expect.stringContaining('the JSONL record does not read: "facts.published"'),
        },
      ],
    });
  });

  it('a value the record cannot hold is refused, not written', () => {
    const result = applyToJsonlLine(
      chatgpt,
      [proposal(chatgpt, { field: 'wikipedia', kind: 'add', remote: { lang: 'en', title: 'Chat#GPT' } })],
      fields,
    );
    expect(result.line).toBe(chatgpt);
    expect(result.skipped[0]?.reason).toContain('contains a character titles cannot have');
  });
});
