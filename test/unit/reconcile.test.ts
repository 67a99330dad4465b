// The reconcile decision (src/model/lifecycle.ts) on plain data: the entity's stored proposals and
// one run's findings in, what to write and what the run reports out. One table row per rule. Also
// the circuit breaker's hold and release (heldMove).

import { describe, expect, it } from 'vitest';
import {
  DECIDED_STATUSES,
  HELD_STATUSES,
  heldMove,
  isRunStatus,
  planReconcile,
  type ReconcileRun,
  RUN_STATUSES,
  type StoredProposal,
} from '../../src/model/lifecycle.js';
import { type Finding, fingerprint, PROPOSAL_STATUSES } from '../../src/model/proposal.js';

function finding(field: string, remote: string, kind: Finding['kind'] = 'add'): Finding {
  return {
    entity: 'sora',
    qid: 'Q124544998',
    field,
    kind,
    local: null,
    remote,
    evidence: { source: 'wikidata', url: 'https://www.wikidata.org/wiki/Q124544998', retrievedAt: 't' },
  };
}

// The findings the rows below use: sora's successor as Sora 2 and as Sora 3, its website.
const sora2 = finding('followedBy', 'Sora 2');
const sora3 = finding('followedBy', 'Sora 3');
const website = finding('website', 'https://openai.com/sora');
const [S2, S3, W] = [sora2, sora3, website].map(fingerprint) as [string, string, string];

function stored(f: Finding, status: string, more: Partial<StoredProposal> = {}): StoredProposal {
  return {
    id: fingerprint(f),
    status,
    field: f.field,
    kind: f.kind,
    firstRun: 'night-1',
    supersededBy: null,
    settledRun: null,
    ...more,
  };
}

interface Row {
  readonly rule: string;
  readonly existing: readonly StoredProposal[];
  readonly findings: readonly Finding[];
  readonly run?: Partial<ReconcileRun>;
  readonly expected: {
    created?: string[];
    seen?: string[];
    superseded?: string[];
    resolved?: string[];
    settle?: unknown[];
  };
}

const rows: Row[] = [
  {
    rule: 'a new finding is created',
    existing: [],
    findings: [sora2],
    expected: { created: [S2] },
  },
  {
    rule: 'a duplicate finding is counted once',
    existing: [],
    findings: [sora2, sora2],
    expected: { created: [S2] },
  },
  {
    rule: 'a known finding is seen',
    existing: [stored(sora2, 'open')],
    findings: [sora2],
    expected: { seen: [S2] },
  },
  {
    rule: 'an open proposal whose finding is gone is resolved',
    existing: [stored(sora2, 'open')],
    findings: [],
    expected: { resolved: [S2], settle: [{ id: S2, status: 'resolved' }] },
  },
  {
    rule: 'an open proposal replaced by a finding of the same field and kind is superseded',
    existing: [stored(sora2, 'open')],
    findings: [sora3],
    expected: { created: [S3], superseded: [S2], settle: [{ id: S2, status: 'superseded', by: S3 }] },
  },
  {
    rule: 'a finding of the same field but another kind does not supersede',
    existing: [stored(sora2, 'open')],
    findings: [finding('followedBy', 'Sora 3', 'update')],
    expected: {
      created: [fingerprint(finding('followedBy', 'Sora 3', 'update'))],
      resolved: [S2],
      settle: [{ id: S2, status: 'resolved' }],
    },
  },
  ...DECIDED_STATUSES.flatMap((status): Row[] => [
    {
      rule: `a ${status} proposal whose finding is gone stays as it is`,
      existing: [stored(sora2, status)],
      findings: [],
      expected: {},
    },
    {
      rule: `a ${status} proposal replaced by another value stays as it is`,
      existing: [stored(sora2, status)],
      findings: [sora3],
      expected: { created: [S3] },
    },
    {
      rule: `a ${status} proposal found again is seen, and written only to move lastSeen`,
      existing: [stored(sora2, status)],
      findings: [sora2],
      expected: { seen: [S2] },
    },
  ]),
  {
    rule: 'a status this code does not know is left alone, as a decision',
    existing: [stored(sora2, 'snoozed')],
    findings: [],
    expected: {},
  },
  {
    rule: 'a proposal settled by an earlier run stays settled and is not counted',
    existing: [
      stored(sora2, 'resolved', { settledRun: 'night-1' }),
      stored(website, 'superseded', { settledRun: 'night-1', supersededBy: 'x' }),
    ],
    findings: [],
    expected: {},
  },
  {
    rule: 'a proposal settled before settled runs were recorded stays settled',
    existing: [stored(sora2, 'resolved')],
    findings: [],
    expected: {},
  },
  {
    rule: 'a settled proposal found again is seen (the store reopens it)',
    existing: [stored(sora2, 'resolved', { settledRun: 'night-1' })],
    findings: [sora2],
    expected: { seen: [S2] },
  },
  {
    rule: 'retried: a finding an earlier attempt of this run stored is still created',
    existing: [stored(sora2, 'open', { firstRun: 'night-2' })],
    findings: [sora2],
    expected: { created: [S2] },
  },
  {
    rule: 'retried: what an earlier attempt resolved is reported again and not written again',
    existing: [stored(sora2, 'resolved', { settledRun: 'night-2' })],
    findings: [],
    expected: { resolved: [S2] },
  },
  {
    rule: 'retried: what an earlier attempt superseded is reported again and not written again',
    existing: [
      stored(sora2, 'superseded', { settledRun: 'night-2', supersededBy: S3 }),
      stored(sora3, 'open', { firstRun: 'night-2' }),
    ],
    findings: [sora3],
    expected: { created: [S3], superseded: [S2] },
  },
  {
    rule: 'retried with other findings: what an earlier attempt settled is settled as this attempt says',
    existing: [
      stored(sora2, 'resolved', { settledRun: 'night-2' }),
      stored(website, 'superseded', { settledRun: 'night-2', supersededBy: 'gone' }),
    ],
    findings: [sora3],
    expected: {
      created: [S3],
      superseded: [S2],
      resolved: [W],
      settle: [
        { id: S2, status: 'superseded', by: S3 },
        { id: W, status: 'resolved' },
      ].sort((a, b) => (a.id < b.id ? -1 : 1)),
    },
  },
  {
    rule: 'partial: an open proposal of a field not compared in full stays as it is',
    existing: [stored(sora2, 'open'), stored(website, 'open')],
    findings: [],
    run: { partialFields: ['followedBy'] },
    expected: { resolved: [W], settle: [{ id: W, status: 'resolved' }] },
  },
  {
    rule: 'partial: a replacement of a field not compared in full is stored, and supersedes nothing',
    existing: [stored(sora2, 'open')],
    findings: [sora3],
    run: { partialFields: ['followedBy'] },
    expected: { created: [S3] },
  },
  {
    rule: 'partial: what an earlier attempt of this run settled is still counted, and left as it is',
    existing: [stored(sora2, 'resolved', { settledRun: 'night-2' })],
    findings: [],
    run: { partialFields: ['followedBy'] },
    expected: { resolved: [S2] },
  },
];

describe('planReconcile', () => {
  it.each(rows)('$rule', ({ existing, findings, run, expected }) => {
    const plan = planReconcile(findings, existing, { runId: 'night-2', ...run });
    expect({
      created: plan.created,
      seen: plan.seen,
      superseded: plan.superseded,
      resolved: plan.resolved,
      settle: plan.settle,
    }).toEqual({ created: [], seen: [], superseded: [], resolved: [], settle: [], ...expected });
    expect(plan.upserts.map((u) => u.id)).toEqual([...new Set(findings.map(fingerprint))]);
  });

  it('never plans a change to a decided or held proposal, whatever the findings', () => {
    const decided = [...DECIDED_STATUSES, ...HELD_STATUSES].map((status, i) =>
      stored(finding('field', `v${i}`), status),
    );
    for (const findings of [
      [],
      [finding('field', 'other')],
      decided.map((_, i) => finding('field', `v${i}`)),
    ]) {
      const plan = planReconcile(findings, decided, { runId: 'night-2' });
      expect(plan.settle).toEqual([]);
      expect([...plan.resolved, ...plan.superseded]).toEqual([]);
    }
  });
});

describe('statuses', () => {
  it('puts every status with the decisions, the held or the run statuses, in one list only', () => {
    for (const status of PROPOSAL_STATUSES)
      expect(
        [
          DECIDED_STATUSES.includes(status as never),
          HELD_STATUSES.includes(status as never),
          isRunStatus(status),
        ].filter(Boolean),
      ).toEqual([true]);
    expect([...RUN_STATUSES].sort()).toEqual(['open', 'resolved', 'superseded']);
  });
});

describe('heldMove', () => {
  it.each([
    { move: 'hold', from: 'open', to: 'held' },
    { move: 'release', from: 'held', to: 'open' },
  ] as const)("$move moves a run's new proposals from $from to $to", ({ move, from, to }) => {
    expect(heldMove(move)).toEqual({ from, to });
  });

  it('holds only what a run may change, and releases it to where a run may change it again', () => {
    expect(isRunStatus(heldMove('hold').from)).toBe(true);
    expect(HELD_STATUSES).toContain(heldMove('hold').to);
    expect(isRunStatus(heldMove('release').to)).toBe(true);
  });
});
