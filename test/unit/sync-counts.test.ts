// A night's numbers add up as one value: chunks into a batch, batches into the run record. A batch
// summary from an older version lacks the newer counts; they count as 0.

import { describe, expect, it } from 'vitest';
import {
  addCounts,
  addRequests,
  emptyCounts,
  findingsByKind,
  runTotals,
  type SyncCounts,
} from '../../src/sync/counts.js';

const batch = (counts: Partial<SyncCounts>): SyncCounts => ({ ...emptyCounts(), ...counts });

describe('addCounts', () => {
  it.each<{ name: string; parts: Array<Partial<SyncCounts>>; total: Partial<SyncCounts> }>([
    { name: 'nothing', parts: [], total: {} },
    {
      name: 'two batches',
      parts: [
        batch({ entities: 50, fetched: 3, unchanged: 47, created: 2, seen: 5, findings: { add: 2 } }),
        batch({
          entities: 20,
          fetched: 1,
          failed: 1,
          verified: 20,
          resolved: 1,
          findings: { add: 1, conflict: 4 },
        }),
      ],
      total: {
        entities: 70,
        fetched: 4,
        unchanged: 47,
        failed: 1,
        verified: 20,
        created: 2,
        seen: 5,
        resolved: 1,
        findings: { add: 3, conflict: 4 },
      },
    },
    {
      name: 'a batch left for a later run',
      parts: [
        batch({ entities: 50, deferred: 50, deferredRequests: 7 }),
        batch({ deferred: 1, deferredRequests: 3 }),
      ],
      total: { entities: 50, deferred: 51, deferredRequests: 10 },
    },
    {
      name: 'a summary from before the verification, the budget and the cooling-off',
      parts: [
        { entities: 50, fetched: 2, superseded: 1, findings: {} },
        batch({ waitingCount: 3, verified: 4 }),
      ],
      total: { entities: 50, fetched: 2, superseded: 1, waitingCount: 3, verified: 4 },
    },
  ])('$name', ({ parts, total }) => {
    expect(addCounts(...parts)).toEqual(batch(total));
  });

  it('leaves out what is not a count, and changes none of its parts', () => {
    const part = {
      ...batch({ fetched: 1, findings: { add: 1 } }),
      failures: [{ reason: 'x' }],
      requests: {},
    };
    const total = addCounts(part, part);
    expect(total).toEqual(batch({ fetched: 2, findings: { add: 2 } }));
    expect(part.fetched).toBe(1);
    expect(part.findings).toEqual({ add: 1 });
  });
});

describe('findingsByKind', () => {
  it('counts each kind', () => {
    expect(findingsByKind([{ kind: 'add' }, { kind: 'conflict' }, { kind: 'add' }])).toEqual({
      add: 2,
      conflict: 1,
    });
    expect(findingsByKind([])).toEqual({});
  });
});

describe('runTotals: the run record’s counts and proposals', () => {
  it.each([
    {
      name: 'records read are the run’s seen; proposals seen again its proposals’ seen',
      counts: batch({
        entities: 70,
        fetched: 4,
        unchanged: 60,
        failed: 1,
        verified: 20,
        deferred: 5,
        created: 2,
        seen: 9,
        resolved: 1,
        superseded: 3,
        findings: { add: 3 },
      }),
      unreadable: 2,
      totals: {
        counts: { seen: 70, fetched: 4, unchanged: 60, failed: 1, unreadable: 2, verified: 20, deferred: 5 },
        proposals: { created: 2, seen: 9, resolved: 1, superseded: 3, byKind: { add: 3 } },
      },
    },
    {
      name: 'fields waiting out a recent edit are counted when there are any',
      counts: batch({ entities: 1, fetched: 1, waitingCount: 2 }),
      unreadable: 0,
      totals: {
        counts: { seen: 1, fetched: 1, unchanged: 0, failed: 0, unreadable: 0, verified: 0, deferred: 0 },
        proposals: { created: 0, seen: 0, resolved: 0, superseded: 0, byKind: {}, waiting: 2 },
      },
    },
  ])('$name', ({ counts, unreadable, totals }) => {
    const run = runTotals(counts, unreadable);
    expect(run).toEqual(totals);
    expect('waiting' in run.proposals).toBe(counts.waitingCount > 0);
  });
});

describe('addRequests', () => {
  it('adds requests and bytes by endpoint, leaving the total it was given as it was', () => {
    const total = { wbgetentities: { requests: 2, bytes: 100 } };
    const sum = addRequests(total, {
      wbgetentities: { requests: 1, bytes: 10 },
      'en:query': { requests: 3, bytes: 30 },
    });
    expect(sum).toEqual({
      wbgetentities: { requests: 3, bytes: 110 },
      'en:query': { requests: 3, bytes: 30 },
    });
    expect(total).toEqual({ wbgetentities: { requests: 2, bytes: 100 } });
  });
});
