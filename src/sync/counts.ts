// A night's numbers as one value that adds up: what part of a batch, a batch and a whole run came to.
// Chunks of a batch add into the batch's summary, the batches into the run record (`runTotals`), by
// the one `addCounts`. The names are the batch summary's, a job's return value that a finalise after an
// upgrade may read from an older version: a count it lacks is 0.

import type { ProposalKind } from '../model/proposal.js';
import type { RunCounts, RunProposals, RunRecord } from '../model/run.js';

export type FindingCounts = Partial<Record<ProposalKind, number>>;

export interface SyncCounts {
  /** Records read from the local store. */
  entities: number;
  /** Entities fetched and compared. */
  fetched: number;
  /** Entities nothing changed for (the feed saw nothing, or a revision check found nothing new). */
  unchanged: number;
  /** Entities that could not be compared. */
  failed: number;
  /** Entities whose revisions were checked (a sweep, or the rolling verification). */
  verified: number;
  /** Entities left for a later run by the budget, and the requests they would have needed. */
  deferred: number;
  deferredRequests: number;
  /** Proposals first found, found again, resolved and superseded. */
  created: number;
  seen: number;
  resolved: number;
  superseded: number;
  /** Fields a recent edit touched, left for a later run. */
  waitingCount: number;
  /** Findings by kind. */
  findings: FindingCounts;
}

const NUMBERS = [
  'entities',
  'fetched',
  'unchanged',
  'failed',
  'verified',
  'deferred',
  'deferredRequests',
  'created',
  'seen',
  'resolved',
  'superseded',
  'waitingCount',
] as const satisfies ReadonlyArray<keyof SyncCounts>;

export function emptyCounts(): SyncCounts {
  return addCounts();
}

/** The counts together; a count a part lacks is 0. Other fields of the parts are left out. */
export function addCounts(...parts: ReadonlyArray<Partial<SyncCounts>>): SyncCounts {
  const total = Object.fromEntries(NUMBERS.map((name) => [name, 0])) as Omit<SyncCounts, 'findings'>;
  const findings: FindingCounts = {};
  for (const part of parts) {
    for (const name of NUMBERS) total[name] += part[name] ?? 0;
    for (const [kind, n] of Object.entries(part.findings ?? {}))
      findings[kind as ProposalKind] = (findings[kind as ProposalKind] ?? 0) + (n ?? 0);
  }
  return { ...total, findings };
}

/** Findings counted by kind. */
export function findingsByKind(findings: ReadonlyArray<{ readonly kind: ProposalKind }>): FindingCounts {
  const counts: FindingCounts = {};
  for (const { kind } of findings) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** A run's counts and proposals from its batches' counts and the records its planner could not read. */
export function runTotals(
  counts: SyncCounts,
  unreadable: number,
): { counts: RunCounts; proposals: RunProposals } {
  return {
    counts: {
      seen: counts.entities,
      fetched: counts.fetched,
      unchanged: counts.unchanged,
      failed: counts.failed,
      unreadable,
      verified: counts.verified,
      deferred: counts.deferred,
    },
    proposals: {
      created: counts.created,
      seen: counts.seen,
      resolved: counts.resolved,
      superseded: counts.superseded,
      byKind: counts.findings,
      ...(counts.waitingCount > 0 ? { waiting: counts.waitingCount } : {}),
    },
  };
}

/** Requests and bytes by endpoint, summed. */
export function addRequests(
  total: RunRecord['requests'],
  more: Readonly<Record<string, { readonly requests: number; readonly bytes: number }>>,
): RunRecord['requests'] {
  const sum = { ...total };
  for (const [endpoint, r] of Object.entries(more)) {
    const was = sum[endpoint] ?? { requests: 0, bytes: 0 };
    sum[endpoint] = { requests: was.requests + r.requests, bytes: was.bytes + r.bytes };
  }
  return sum;
}
