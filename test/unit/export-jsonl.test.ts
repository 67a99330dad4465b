import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../src/model/proposal.js';
import { jsonlLine, proposalJson, writeJsonl } from '../../src/sinks/export/jsonl.js';

async function* stream(proposals: readonly Proposal[]): AsyncIterable<Proposal> {
  yield* proposals;
}

// Built in a scrambled key order on purpose: the export must impose SPEC §4's order itself.
const followedBy: Proposal = {
  lastSeen: '2026-11-26T03:00:04Z',
  status: 'open',
  evidence: {
    statementId: 'Q124544998$4ec97866-4a24-08a5-6065-b2a2d3dc5839',
    retrievedAt: '2026-11-26T03:00:00Z',
    revision: 2212345678,
    url: 'https://www.wikidata.org/wiki/Q124544998#Q124544998$4ec97866-4a24-08a5-6065-b2a2d3dc5839',
    source: 'wikidata',
  },
  remote: { id: 'Q136505399', label: 'Sora 2' },
  local: null,
  kind: 'add',
  property: 'P156',
  field: 'followedBy',
  qid: 'Q124544998',
  label: 'Sora',
  entity: 'sora',
  id: '3f1c2a9b8d7e6f5a4b3c',
  firstSeen: '2026-11-25T03:00:02Z',
  firstRun: '2026-11-25T03-00-00Z-a1b2',
  lastRun: '2026-11-26T03-00-00Z-c3d4',
};

describe('proposalJson', () => {
  it('orders keys as SPEC §4 prints them, optional keys last', () => {
    expect(Object.keys(proposalJson(followedBy))).toEqual([
      'id',
      'entity',
      'qid',
      'field',
      'property',
      'kind',
      'local',
      'remote',
      'evidence',
      'status',
      'firstSeen',
      'lastSeen',
      'label',
      'firstRun',
      'lastRun',
    ]);
    expect(Object.keys(proposalJson(followedBy).evidence as object)).toEqual([
      'source',
      'url',
      'revision',
      'retrievedAt',
      'statementId',
    ]);
  });

  it('prints the SPEC §4 example line exactly', () => {
    const { label: _label, firstRun: _first, lastRun: _last, ...bare } = followedBy;
    const { statementId: _statement, ...evidence } = bare.evidence;
    const line = jsonlLine({
      ...bare,
      evidence: { ...evidence, url: 'https://www.wikidata.org/wiki/Q124544998' },
    });
    expect(line).toBe(
      '{"id":"3f1c2a9b8d7e6f5a4b3c","entity":"sora","qid":"Q124544998","field":"followedBy","property":"P156",' +
        '"kind":"add","local":null,"remote":{"id":"Q136505399","label":"Sora 2"},' +
        '"evidence":{"source":"wikidata","url":"https://www.wikidata.org/wiki/Q124544998","revision":2212345678,' +
        '"retrievedAt":"2026-11-26T03:00:00Z"},"status":"open","firstSeen":"2026-11-25T03:00:02Z",' +
        '"lastSeen":"2026-11-26T03:00:04Z"}\n',
    );
  });

  it('leaves out an absent property and review fields, keeps null sides', () => {
    const label: Proposal = {
      id: 'b2',
      entity: 'sora',
      qid: 'Q124544998',
      field: 'description',
      kind: 'upstream',
      local: 'text-to-video model by OpenAI',
      remote: null,
      evidence: {
        source: 'wikidata',
        url: 'https://www.wikidata.org/wiki/Q124544998',
        retrievedAt: '2026-11-25T03:00:00Z',
      },
      status: 'decided',
      side: 'none',
      firstSeen: '2026-11-25T03:00:02Z',
      lastSeen: '2026-11-25T03:00:02Z',
      note: "the card's wording, not Wikidata style",
      reviewedAt: '2026-11-25T09:12:00Z',
    };
    const json = proposalJson(label);
    expect(json).not.toHaveProperty('property');
    expect(json.remote).toBeNull();
    expect(Object.keys(json).slice(-3)).toEqual(['side', 'note', 'reviewedAt']);
  });

  it('round-trips: the line parses back to the same proposal', () => {
    expect(JSON.parse(jsonlLine(followedBy))).toEqual(followedBy);
  });
});

describe('writeJsonl', () => {
  it('writes one line per proposal, even when a value holds a line break', async () => {
    const multiline: Proposal = { ...followedBy, id: 'c3', kind: 'update', local: 'line one\nline two' };
    let text = '';
    const report = await writeJsonl(stream([followedBy, multiline]), async (chunk) => {
      text += chunk;
    });
    expect(report).toEqual({ exported: 2 });
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[1] ?? '').local).toBe('line one\nline two');
  });
});
